"""Model URIs: ``models:/<name>@<alias>``, ``models:/<name>/<version>``, ``runs:/<run_id>/<path>``.

``download_checkpoint`` turns any of them into the local checkpoint file that
``pld_core.infer.load_scorer`` reads; downloads are cached under ``paths.cache/registry``
by the logged model's id, so scoring the same version twice fetches it once.
"""
from __future__ import annotations

import hashlib
import re
import shutil
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from pld_core.config import Settings
from pld_core.errors import ModelError, RegistryError
from pld_core.tracking import client as tracking_client
from pld_core.tracking import first_line, tracking_uri

if TYPE_CHECKING:
    from mlflow import MlflowClient
    from mlflow.entities.model_registry import ModelVersion

CHAMPION = "champion"
CHALLENGER = "challenger"
_MODELS_URI = re.compile(r"^models:/(?P<name>[^/@]+)(?:@(?P<alias>[^/@]+)|/(?P<version>\d+))/?$")


def alias_uri(settings: Settings, alias: str) -> str:
    """``models:/<registry.model_name>@<alias>``."""
    return f"models:/{settings.registry.model_name}@{alias}"


def champion_uri(settings: Settings) -> str:
    """The champion's URI, after checking that there is one (RegistryError otherwise)."""
    uri = alias_uri(settings, CHAMPION)
    resolve_version(tracking_client(settings), settings, uri)
    return uri


def resolve_version(client: "MlflowClient", settings: Settings, uri: str) -> "ModelVersion":
    """The registered model version a ``models:/`` URI names; RegistryError when there is none."""
    match = _MODELS_URI.match(uri)
    if not match:
        raise RegistryError(f"{uri}: expected models:/<name>@<alias> or models:/<name>/<version>")
    name, alias, number = match["name"], match["alias"], match["version"]
    registered = registered_model(client, settings, name)
    if alias is not None:
        if alias not in registered.aliases:
            held = ", ".join(f"{a}=v{v}" for a, v in sorted(registered.aliases.items())) or "none"
            hint = "no champion yet: register a model first (pld register)" if alias == CHAMPION else "no such alias"
            raise RegistryError(f"{uri}: {hint} (aliases: {held})")
        number = registered.aliases[alias]
    try:
        return client.get_model_version(name, str(number))
    except Exception as exc:  # MlflowException RESOURCE_DOES_NOT_EXIST
        raise RegistryError(f"{uri}: version {number} not found ({first_line(exc)})") from None


def registered_model(client: "MlflowClient", settings: Settings, name: str):
    """The registered model ``name``; RegistryError naming the store when it does not exist."""
    try:
        return client.get_registered_model(name)
    except Exception as exc:  # MlflowException RESOURCE_DOES_NOT_EXIST, or the store failing
        if "RESOURCE_DOES_NOT_EXIST" in str(getattr(exc, "error_code", "")):
            raise RegistryError(f"registered model {name!r} not found in {tracking_uri(settings)} "
                                "(register one first: pld register)") from None
        raise RegistryError(f"MLflow registry {tracking_uri(settings)}: {first_line(exc)}") from None


def download_checkpoint(uri: str, settings: Settings) -> Path:
    """The local checkpoint file of a ``models:/`` or ``runs:/`` URI (downloaded once, then cached)."""
    client = tracking_client(settings)
    if uri.startswith("models:/"):
        version = resolve_version(client, settings, uri)
        source, identity = f"models:/{version.name}/{version.version}", version.source  # a logged model's id
    elif uri.startswith("runs:/"):
        source, identity = uri, uri
    else:
        raise RegistryError(f"{uri}: not a models:/ or runs:/ URI")
    key = hashlib.sha256(f"{tracking_uri(settings)} {identity}".encode()).hexdigest()[:24]
    return _cached_checkpoint(settings, source, key, uri)


def checkpoint_in(downloaded: Path, uri: str) -> Path:
    """The checkpoint inside a downloaded pyfunc model folder (or the file itself)."""
    if downloaded.is_file():
        return downloaded
    mlmodel = downloaded / "MLmodel"
    if not mlmodel.is_file():
        state = "nothing was downloaded: its files are gone from the artifact store" if not any(
            downloaded.iterdir()) else "neither a checkpoint file nor an MLflow model (no MLmodel)"
        raise ModelError(f"{uri}: {state}")
    from mlflow.models import Model

    artifacts = Model.load(str(mlmodel)).flavors.get("python_function", {}).get("artifacts", {})
    if "checkpoint" not in artifacts:
        raise ModelError(f"{uri}: the MLflow model has no 'checkpoint' artifact (not a PLD model)")
    path = downloaded / artifacts["checkpoint"]["path"]
    if not path.is_file():
        raise ModelError(f"{uri}: checkpoint {artifacts['checkpoint']['path']} is missing from the model")
    return path


def _cached_checkpoint(settings: Settings, source: str, key: str, uri: str) -> Path:
    """The checkpoint of ``source``, downloaded once to ``paths.cache/registry/<key>``.

    A download enters the cache only after its checkpoint was found in it.
    """
    import mlflow

    cache = settings.path(settings.paths.cache) / "registry"
    final = cache / key
    if final.exists():
        return checkpoint_in(final, uri)
    cache.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{key}.tmp-", dir=cache))
    try:
        try:
            downloaded = Path(mlflow.artifacts.download_artifacts(artifact_uri=source, dst_path=str(staging)))
        except Exception as exc:  # MlflowException, missing files in the artifact store
            raise ModelError(f"{uri}: the model's files cannot be fetched ({first_line(exc)})") from None
        inside = checkpoint_in(downloaded, uri).relative_to(downloaded)
        try:
            downloaded.rename(final)
        except OSError as exc:
            if not final.exists():  # a parallel download that won the rename is fine
                raise ModelError(f"{uri}: cannot store the download in {cache} ({first_line(exc)})") from None
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return final / inside
