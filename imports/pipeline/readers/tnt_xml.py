"""The streaming parse of a TntConnect (formerly TntMPD) XML export: its shape checked, its table rows yielded.

Three concerns shape this module:

* Safety: uploads are untrusted, so any DTD (hence any entity, internal or
  external) is refused before anything is expanded, read or fetched, as
  defusedxml refuses them. Real exports never contain one.
* Tolerance: real exports contain characters XML 1.0 forbids (NUL, form feed,
  other C0 controls, raw or as character references).  They are stripped from
  the byte stream before the parser sees them instead of failing the file
  (imports/pipeline/readers/xml_cleaning.py).
* Bounded memory: exports of a million contacts exist.  Every table row is
  dropped as soon as it has been read, so memory does not grow with the file;
  neither a row's elements nor a field's text may grow without end
  (MAX_ELEMENTS_PER_ROW, MAX_FIELD_CHARACTERS).

Every failure is a TntFileError whose sentence says what was wrong with the
file. Pure Python: no Django, no database.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import BinaryIO
from xml.parsers import expat
from xml.parsers.expat import ExpatError
from xml.parsers.expat import errors as expat_errors

from defusedxml import DefusedXmlException, DTDForbidden, EntitiesForbidden, ExternalReferenceForbidden

from imports.pipeline.readers import FileReadError
from imports.pipeline.readers.xml_cleaning import CHUNK_SIZE, XmlCleaningReader

APPLICATIONS = ("TntConnect", "TntMPD")

NOT_TNT_MESSAGE = (
    "This is not a TntConnect export: expected an XML file whose root element is "
    "<Database> with <Tables>, as TntConnect's File > Export > XML writes it."
)
EMPTY_MESSAGE = "The file is empty: expected a TntConnect XML export, as TntConnect's File > Export > XML writes it."
TRUNCATED_MESSAGE = (
    "The file ends in the middle of the TntConnect export, so it looks truncated "
    "(an interrupted download, copy or upload); export it again with TntConnect's "
    "File > Export > XML and upload the complete file."
)
DTD_MESSAGE = "The file declares a DTD or entities, which TntConnect exports never contain; it was not processed."
MALFORMED_MESSAGE = (
    "The file is not well-formed XML ({detail}), so it is not an intact TntConnect "
    "export; export it again with TntConnect's File > Export > XML and upload that "
    "file."
)
OTHER_APPLICATION_MESSAGE = (
    "This is not a TntConnect export: the file says it was written by "
    "\u201c{application}\u201d; expected an XML export written by TntConnect "
    "(or TntMPD) with File > Export > XML."
)
HUGE_ROW_MESSAGE = (
    "This is not a TntConnect export: a table row holds more than {limit} elements, which TntConnect never writes."
)

HUGE_FIELD_MESSAGE = (
    "The {table} table holds a text longer than {limit:,} characters, the most this service reads in one "
    "field (TntConnect never writes one so long); shorten it in TntConnect and export again."
)

# A TntConnect contact row has about 250 fields; anything far beyond that is
# not an export, and refusing it keeps one hostile "row" from filling memory.
MAX_ELEMENTS_PER_ROW = 10_000
# The text of a field of a table that is read is kept whole: one hostile field of the file's size
# would fill memory. As many characters as a CSV cell may hold (IMPORT_CSV_MAX_FIELD_SIZE's default).
MAX_FIELD_CHARACTERS = 1_000_000

# Expat errors that mean "the input stopped before the document did".
_TRUNCATION_CODES = frozenset(
    expat_errors.codes[message]
    for message in (
        expat_errors.XML_ERROR_NO_ELEMENTS,
        expat_errors.XML_ERROR_UNCLOSED_TOKEN,
        expat_errors.XML_ERROR_PARTIAL_CHAR,
        expat_errors.XML_ERROR_UNCLOSED_CDATA_SECTION,
    )
)


class TntFileError(FileReadError):
    """str(error) is a sentence shown to the user: what was wrong and what was expected."""


class _Finished(Exception):
    """Raised by a parser handler to stop reading: the root element or the last table wanted has ended."""


class TntDocument:
    """One streaming pass over an export: checks its shape, yields table rows.

    The document is read with expat's own callbacks, not ElementTree:
    defusedxml's ElementTree is the pure-Python parser and tree builder (it
    needs them to reach expat's handlers), which made every element of the
    file cost several Python calls and objects, hundreds of thousands of
    them in the tables nobody reads. Here an element costs a start and an
    end callback; the text of the fields of the rows wanted is the only
    text kept, and no tree is built, so memory holds one chunk's rows.
    The parser refuses DTDs, entity declarations and external references
    as defusedxml's does (`_defused_expat`).
    """

    def __init__(self, stream: BinaryIO) -> None:
        self._reader = XmlCleaningReader(stream)
        self._root_seen = False
        self._tables_seen = False
        self.table_rows: dict[str, int] = {}  # rows seen per table, in file order
        self.application = ""
        self.version = ""

    def rows(self, tables: set[str], stop_after: str | None = None) -> Iterator[tuple[str, str, dict[str, str]]]:
        """Yield (table name, row id, fields) for the rows of the wanted tables.

        Every parser failure becomes a TntFileError whose message fits the
        cause (DTD, empty, truncated, not XML at all, malformed).
        """
        try:
            yield from self._walk(tables, stop_after)
        except TntFileError:
            raise
        except DefusedXmlException:
            raise TntFileError(DTD_MESSAGE) from None
        except ExpatError as error:
            raise TntFileError(self._parse_error_message(error)) from None
        except (SyntaxError, ValueError, LookupError) as error:
            # e.g. an encoding declaration expat cannot decode
            detail = str(error) or type(error).__name__
            raise TntFileError(MALFORMED_MESSAGE.format(detail=detail)) from None

    def _walk(self, tables: set[str], stop_after: str | None) -> Iterator[tuple[str, str, dict[str, str]]]:
        parser = _defused_expat()
        done: list[tuple[str, str, dict[str, str]]] = []  # the wanted rows the chunk being parsed completed
        collector = _RowCollector(self, parser, tables, stop_after, done)
        while True:
            data = self._reader.read(CHUNK_SIZE)
            try:
                parser.Parse(data, not data)
            except _Finished:
                yield from done
                return
            except Exception:
                yield from done  # the rows before the error, as they were read
                raise
            yield from done
            done.clear()
            if not data:
                return
            collector.refuse_huge_text()

    def _start_root(self, tag: str) -> None:
        if tag != "Database":
            raise TntFileError(NOT_TNT_MESSAGE)
        self._root_seen = True

    def _read_header(self, tag: str, text: str) -> None:
        text = text.strip()
        if tag == "Application":
            if text and text.casefold() not in {a.casefold() for a in APPLICATIONS}:
                raise TntFileError(OTHER_APPLICATION_MESSAGE.format(application=text))
            self.application = text
        elif tag == "Version":
            self.version = text

    def _end_of_document(self) -> None:
        if not self._tables_seen:
            raise TntFileError(NOT_TNT_MESSAGE)

    def _parse_error_message(self, error: ExpatError) -> str:
        if not self._reader.saw_content:
            return EMPTY_MESSAGE
        if not self._root_seen:
            return NOT_TNT_MESSAGE  # not XML at all, or XML that never opens a root
        if self._reader.at_eof and getattr(error, "code", None) in _TRUNCATION_CODES:
            return TRUNCATED_MESSAGE
        return MALFORMED_MESSAGE.format(detail=str(error))


class _RowCollector:
    """expat's handlers for one pass: Database > header fields and Tables > <table> > row > fields.

    Depths count from the root (0): the header fields and Tables are at 1,
    tables at 2, rows at 3, a row's fields at 4. An element's text is what
    comes before its first child, as ElementTree's `text`. Inside a table
    nobody reads, expat is given no text handler, so its rows cost two
    callbacks an element and nothing more.

    The elements inside a row are most of a file (millions of them in a big
    export), so while a row is open expat is given handlers of their own
    instead of one handler branching on the depth: `_field_start` and
    `_field_end` in a wanted row, `_skipped_start` and `_skipped_end` in any
    other element at depth 3. A field's text goes straight to the `append`
    of its list of pieces, expat's text handler only while the field's text
    lasts, so text costs no Python call at all.
    """

    def __init__(
        self,
        document: TntDocument,
        parser,
        tables: set[str],
        stop_after: str | None,
        done: list[tuple[str, str, dict[str, str]]],
    ) -> None:
        self.document = document
        self.parser = parser
        self.tables = tables
        self.stop_after = stop_after
        self.done = done
        self.depth = 0  # elements open, counted up to the row (depth 3); the row's own are `row_depth`
        self.in_tables = False  # the open element at depth 1 is Tables
        self.table = ""  # the open table
        self.row_elements = 0  # elements opened inside the current row
        self.row_depth = 0  # elements open inside the current row
        self.row_id = ""
        self.fields: dict[str, str] = {}  # the wanted row being read
        self.text_of: str | None = None  # the header field or row field whose text is being gathered
        self.pieces: list[str] = []
        self.header_text = ""  # the text of the header field last ended
        parser.StartElementHandler = self.start
        parser.EndElementHandler = self.end
        parser.CharacterDataHandler = self.text

    def text(self, data: str) -> None:
        if self.text_of is not None:
            self.pieces.append(data)

    def refuse_huge_text(self) -> None:
        """Called between chunks: the text being gathered (pieces of at most one field) may not grow without end."""
        if sum(map(len, self.pieces)) > MAX_FIELD_CHARACTERS:
            table = self.table if self.depth >= 3 else "Database"
            raise TntFileError(HUGE_FIELD_MESSAGE.format(table=table, limit=MAX_FIELD_CHARACTERS))

    def _end_header_text(self) -> None:
        """A header field's text ends (at its first child or its end)."""
        self.header_text = "".join(self.pieces)
        self.text_of = None

    def start(self, tag: str, attributes: dict[str, str]) -> None:
        if "}" in tag:  # a namespaced name, spelt as ElementTree spells it
            tag = "{" + tag
        if self.text_of is not None:
            self._end_header_text()
        depth = self.depth
        self.depth = depth + 1
        if depth == 3:
            parser = self.parser
            self.row_elements = self.row_depth = 0
            if self.in_tables and tag == "row" and self.table in self.tables:
                self.fields, self.row_id = {}, attributes.get("id", "").strip()  # as the fields naming it are read
                self.pieces = []
                parser.CharacterDataHandler = self.pieces.append  # a Python call per text would cost more
                parser.StartElementHandler, parser.EndElementHandler = self._field_start, self._field_end
            else:
                parser.StartElementHandler, parser.EndElementHandler = self._skipped_start, self._skipped_end
        elif depth == 2:
            self.table = tag
            if self.in_tables and tag not in self.tables:
                self.parser.CharacterDataHandler = None
        elif depth == 1:
            self.in_tables = tag == "Tables"
            if self.in_tables:
                self.document._tables_seen = True
            self.header_text, self.text_of, self.pieces = "", tag, []
        else:
            self.document._start_root(tag)

    def end(self, tag: str) -> None:
        if self.text_of is not None:
            self._end_header_text()
        self.depth = depth = self.depth - 1
        if "}" in tag:
            tag = "{" + tag
        if depth == 2:
            if self.in_tables:
                self.parser.CharacterDataHandler = self.text
                if tag == self.stop_after:
                    raise _Finished
        elif depth == 1:
            self.document._read_header(tag, self.header_text)
            self.in_tables = False
        else:
            self.document._end_of_document()
            raise _Finished  # anything after the root element is ignored

    def _field_start(self, tag: str, attributes: dict[str, str]) -> None:
        text_of = self.text_of
        if text_of is not None:  # a field's first child: the field's text ends here
            self.fields[text_of] = "".join(self.pieces)
            self.text_of = None
        self.row_elements = elements = self.row_elements + 1
        if elements > MAX_ELEMENTS_PER_ROW:
            raise TntFileError(HUGE_ROW_MESSAGE.format(limit=MAX_ELEMENTS_PER_ROW))
        if self.row_depth:
            self.row_depth += 1
            return
        if "}" in tag:
            tag = "{" + tag
        self.text_of = tag  # its text goes in the row's order; a field named twice keeps the later text
        self.pieces.clear()  # what came before it (spacing, a previous field's children) is no field's text
        self.row_depth = 1

    def _field_end(self, tag: str) -> None:
        text_of = self.text_of
        if text_of is not None:
            self.fields[text_of] = "".join(self.pieces)
            self.text_of = None
        if self.row_depth:
            self.row_depth -= 1
            return
        self._end_row(tag)
        self.done.append((self.table, self.row_id, self.fields))
        self.parser.CharacterDataHandler = self.text

    def _skipped_start(self, tag: str, attributes: dict[str, str]) -> None:
        self.row_elements = elements = self.row_elements + 1
        if elements > MAX_ELEMENTS_PER_ROW:
            raise TntFileError(HUGE_ROW_MESSAGE.format(limit=MAX_ELEMENTS_PER_ROW))
        self.row_depth += 1

    def _skipped_end(self, tag: str) -> None:
        if self.row_depth:
            self.row_depth -= 1
        else:
            self._end_row(tag)

    def _end_row(self, tag: str) -> None:
        """The element at depth 3 ends: a row (counted in its table) or anything else; the general handlers again."""
        self.depth = 3
        parser = self.parser
        parser.StartElementHandler, parser.EndElementHandler = self.start, self.end
        if self.in_tables and tag == "row":  # a namespaced name never equals "row", spelt either way
            rows = self.document.table_rows
            rows[self.table] = rows.get(self.table, 0) + 1


def _defused_expat():
    """An expat parser set as defusedxml's DefusedXMLParser sets its own (forbid_dtd and the defaults).

    A DTD, an entity declaration or an external reference raises before
    anything is expanded or fetched; names are read with ElementTree's
    namespace separator.
    """
    parser = expat.ParserCreate(None, "}")
    parser.buffer_text = True

    def refuse_doctype(name, sysid, pubid, has_internal_subset):
        raise DTDForbidden(name, sysid, pubid)

    def refuse_entity(name, is_parameter_entity, value, base, sysid, pubid, notation_name):
        raise EntitiesForbidden(name, value, base, sysid, pubid, notation_name)

    def refuse_unparsed_entity(name, base, sysid, pubid, notation_name):
        raise EntitiesForbidden(name, None, base, sysid, pubid, notation_name)

    def refuse_external_reference(context, base, sysid, pubid):
        raise ExternalReferenceForbidden(context, base, sysid, pubid)

    parser.StartDoctypeDeclHandler = refuse_doctype
    parser.EntityDeclHandler = refuse_entity
    parser.UnparsedEntityDeclHandler = refuse_unparsed_entity
    parser.ExternalEntityRefHandler = refuse_external_reference
    return parser
