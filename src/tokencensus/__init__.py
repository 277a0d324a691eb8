"""tokencensus: the OpenRouter/a16z token study, on your own LLM traffic logs.

>>> from tokencensus.engine import connect                          # doctest: +SKIP
>>> census = connect("census")                                      # doctest: +SKIP
"""

__version__ = "0.1.0"
