"""Check MLflow tracking stores under concurrent writers: does any run or metric go missing?

    python deploy/mlflow_load.py --uri postgresql+psycopg://root@127.0.0.1:5432/pld_mlflow \
        --uri sqlite:///mlruns/load.db --writers 4 --steps 50

For each store in turn, ``--writers`` processes (started once, mlflow imported and the store
connected) wait on a barrier, then each opens a run, logs params and ``--steps`` metric values one call at a
time (as a training loop does) and closes it. The store is then read back and every run and
metric a writer reported as written is counted. Prints one JSON object per store.
"""
from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import time
import uuid

_barrier = None


def _init(barrier) -> None:
    global _barrier
    import mlflow  # noqa: F401 - imported before the clock starts

    _barrier = barrier


def _writer(uri: str, experiment: str, tag: str, index: int, steps: int) -> dict:
    import mlflow

    try:  # connect (engine, schema check) before the clock starts, as a training process has
        client = mlflow.MlflowClient(uri)
        experiment_id = client.get_experiment_by_name(experiment).experiment_id
    finally:
        _barrier.wait()
    start = time.perf_counter()
    try:
        run = client.create_run(experiment_id, run_name=f"writer-{index}", tags={"load_tag": tag})
        run_id = run.info.run_id
        client.log_param(run_id, "writer", index)
        client.log_param(run_id, "steps", steps)
        for step in range(steps):
            client.log_metric(run_id, "loss", 1.0 / (step + 1), step=step)
        client.set_terminated(run_id)
        return {"writer": index, "ok": True, "run_id": run_id, "seconds": time.perf_counter() - start}
    except Exception as exc:  # a clean failure is a result too
        return {"writer": index, "ok": False, "error": f"{type(exc).__name__}: {str(exc).splitlines()[0][:200]}",
                "seconds": time.perf_counter() - start}


def _load_one(pool, uri: str, writers: int, steps: int, experiment: str) -> dict:
    import mlflow

    client = mlflow.MlflowClient(uri)
    if client.get_experiment_by_name(experiment) is None:
        client.create_experiment(experiment)
    tag = uuid.uuid4().hex
    reports = pool.starmap(_writer, [(uri, experiment, tag, i, steps) for i in range(writers)], chunksize=1)
    seconds = max(r["seconds"] for r in reports)  # from the barrier to the last writer's end

    landed = {r.info.run_id: r for r in client.search_runs(
        [client.get_experiment_by_name(experiment).experiment_id], f"tags.load_tag = '{tag}'")}
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
        "write_seconds": round(seconds, 2),
        "metric_writes_per_s": round(len(ok) * steps / seconds, 1),
    }


def run_load(uris: list[str], writers: int, steps: int, experiment: str = "pld-load") -> list[dict]:
    """Run ``writers`` concurrent processes against each of ``uris`` and audit what landed."""
    ctx = mp.get_context("spawn")
    with ctx.Pool(writers, initializer=_init, initargs=(ctx.Barrier(writers),)) as pool:
        return [_load_one(pool, uri, writers, steps, experiment) for uri in uris]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--uri", action="append", required=True, help="a tracking URI (repeat to compare)")
    parser.add_argument("--writers", type=int, default=4)
    parser.add_argument("--steps", type=int, default=50)
    args = parser.parse_args()
    for result in run_load(args.uri, args.writers, args.steps):
        print(json.dumps(result), flush=True)


if __name__ == "__main__":
    main()
