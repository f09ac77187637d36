"""The MLflow model registry: the PLD pyfunc model, registration with a promotion gate, A/B routing.

    result = register_model(settings, train_result, evaluation)   # new version, challenger, gate
    uri = champion_uri(settings)                                   # "models:/pld-vhd@champion"
    checkpoint = download_checkpoint(uri, settings)                # local .pt for infer.load_scorer
    arm = route("video_42", share=0.2)                             # "champion" | "challenger"

mlflow is imported inside functions, so importing this package stays light.
"""
from pld_core.registry.ab import AbResult, load_ab_table, route, run_ab
from pld_core.registry.gate import GateDecision, decide
from pld_core.registry.listing import list_versions
from pld_core.registry.register import RegistrationResult, register_model
from pld_core.registry.resolve import CHALLENGER, CHAMPION, alias_uri, champion_uri, download_checkpoint

__all__ = [
    "CHALLENGER", "CHAMPION", "AbResult", "GateDecision", "RegistrationResult", "alias_uri", "champion_uri",
    "decide", "download_checkpoint", "list_versions", "load_ab_table", "register_model", "route", "run_ab",
]
