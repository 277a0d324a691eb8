"""The study's analyses, one module per section; see :mod:`tokencensus.analyses.base`."""
