"""The Apertium engine: warm NUL-flushed pipelines and the stream format."""

from .modes import INSTALL_HINT, mode_name, pipeline_command, preferences, stages
from .pool import Pool
from .stream import Markup, Part, decode, decode_text, encode

__all__ = ["INSTALL_HINT", "Markup", "Part", "Pool", "decode", "decode_text", "encode",
           "mode_name", "pipeline_command", "preferences", "stages"]
