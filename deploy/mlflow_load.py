"""Check an MLflow tracking store under concurrent writers: does any run or metric go missing?

    python deploy/mlflow_load.py --uri postgresql://root@127.0.0.1:5432/pld_mlflow --writers 4

Each writer process opens a run, logs params and ``--steps`` metric values, and closes it.
Afterwards the store is read back and every run and metric the writers reported as
written is counted. Prints one JSON object.
"""
from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import time
import uuid


def _writer(uri: str, experiment: str, tag: str, index: int, steps: int, queue: mp.Queue) -> None:
    import mlflow

    mlflow.set_tracking_uri(uri)
    start = time.perf_counter()
    try:
        experiment_id = mlflow.get_experiment_by_name(experiment).experiment_id
        with mlflow.start_run(experiment_id=experiment_id, run_name=f"writer-{index}",
                              tags={"load_tag": tag}) as run:
            mlflow.log_params({"writer": index, "steps": steps})
            for step in range(steps):
                mlflow.log_metric("loss", 1.0 / (step + 1), step=step)
        queue.put({"writer": index, "ok": True, "run_id": run.info.run_id,
                   "seconds": time.perf_counter() - start})
    except Exception as exc:  # a clean failure is a result too
        queue.put({"writer": index, "ok": False, "error": f"{type(exc).__name__}: {str(exc)[:200]}",
                   "seconds": time.perf_counter() - start})


def run_load(uri: str, writers: int, steps: int, experiment: str = "pld-load") -> dict:
    """Run ``writers`` concurrent processes against ``uri`` and audit what landed."""
    import mlflow

    mlflow.set_tracking_uri(uri)
    if mlflow.get_experiment_by_name(experiment) is None:
        mlflow.create_experiment(experiment)
    tag = uuid.uuid4().hex
    ctx = mp.get_context("spawn")
    queue = ctx.Queue()
    procs = [ctx.Process(target=_writer, args=(uri, experiment, tag, i, steps, queue)) for i in range(writers)]
    start = time.perf_counter()
    for proc in procs:
        proc.start()
    reports = [queue.get() for _ in procs]
    for proc in procs:
        proc.join()
    wall = time.perf_counter() - start

    client = mlflow.MlflowClient()
    landed = {r.info.run_id: r for r in client.search_runs(
        [mlflow.get_experiment_by_name(experiment).experiment_id], f"tags.load_tag = '{tag}'")}
    ok = [r for r in reports if r["ok"]]
    complete = sum(
        1 for r in ok
        if r["run_id"] in landed and len(client.get_metric_history(r["run_id"], "loss")) == steps
        and landed[r["run_id"]].info.status == "FINISHED")
    return {
        "uri_scheme": uri.split(":", 1)[0],
        "writers": writers,
        "steps": steps,
        "succeeded": len(ok),
        "failed_cleanly": [r["error"] for r in reports if not r["ok"]],
        "complete_runs": complete,
        "lost_runs": len(ok) - complete,
        "wall_seconds": round(wall, 2),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--uri", required=True)
    parser.add_argument("--writers", type=int, default=4)
    parser.add_argument("--steps", type=int, default=50)
    args = parser.parse_args()
    print(json.dumps(run_load(args.uri, args.writers, args.steps)))


if __name__ == "__main__":
    main()
