"""Which instrument version a file answers: the mapping's, ``--instrument``'s or its own."""

from __future__ import annotations

from pathlib import Path

from instruments import Instrument, InstrumentLibrary
from interop.codebook import Codebook, codebook
from interop.ingest.mapping import read_mapping
from interop.ingest.model import ReadOptions
from interop.ingest.problems import IngestError


def choose_codebook(
    path: Path,
    library: InstrumentLibrary,
    options: ReadOptions,
    file_marker: str | None,
    place: str | None = None,
    column: str | None = None,
) -> tuple[Codebook, Instrument]:
    """The codebook of the mapping, of ``--instrument``, or of the file's own marker."""
    if options.mapping is not None:
        book = read_mapping(options.mapping, library)
        if options.instrument and (options.instrument, options.version or book.version) != (
            book.instrument_id,
            book.version,
        ):
            raise IngestError.one(
                options.mapping,
                f"the mapping is for {book.marker}, not for instrument '{options.instrument}'"
                + (f" version '{options.version}'" if options.version else ""),
            )
    elif options.instrument:
        found = library.get(options.instrument, options.version)
        if found is None:
            version = f" version '{options.version}'" if options.version else ""
            raise IngestError.one(
                path, f"instrument '{options.instrument}'{version} is not installed"
            )
        book = codebook(found)
    elif file_marker:
        instrument_id, _, version = file_marker.partition("@")
        found = library.get(instrument_id, version or None)
        if found is None:
            raise IngestError.one(
                path, f"the file answers '{file_marker}', which is not installed", place, column
            )
        book = codebook(found)
    else:
        raise IngestError.one(
            path,
            "cannot tell which instrument the file answers (it has no INSTRUMENT column): "
            "pass --instrument (and --version) or --mapping",
        )
    instrument = library.get(book.instrument_id, book.version)
    assert instrument is not None  # the codebook came from the library
    return book, instrument
