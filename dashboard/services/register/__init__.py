"""The organisations register every other area refers to: ``organisations``."""
