"""MLflow models-from-code entry point of the PLD pyfunc: MLflow runs this file when it loads the model.

It is copied into every logged model beside ``code/pld_core`` (the model's ``code_paths``), so
the model loads without a pickle and without pld installed. Not meant to be imported.
"""
import mlflow

from pld_core.registry.pyfunc import PldHighlightModel

mlflow.models.set_model(PldHighlightModel())
