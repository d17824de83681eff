"""The Apertium engine: warm NUL-flushed pipelines, their owner per direction, and the
stream format."""

from .engine import Engine, EngineKey, StyleLayer
from .modes import INSTALL_HINT, mode_name, pipeline_command, preferences, stages
from .pool import Pool
from .stream import decode, decode_text, encode

__all__ = ["Engine", "EngineKey", "StyleLayer", "INSTALL_HINT", "Pool", "decode",
           "decode_text", "encode", "mode_name", "pipeline_command", "preferences", "stages"]
