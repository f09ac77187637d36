"""Assets, checks, jobs, schedules, sensors and resources of the pld pipeline (loaded by dg)."""
