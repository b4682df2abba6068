"""What every loader does: bind the header, read and check every row, look project codes up in bulk.

A loader (one per kind of file: `register.contracts`, `register.members`,
`register.payments`) streams one source in chunks of PENDING_ROWS rows: each chunk's rows
become compact values, their project codes are looked up together, every bad row is
recorded in the report, and, as long as no row of the file has been rejected, the chunk is
written (`write_chunk`). The importer runs the whole file in one SAVEPOINT and rolls it back
when any row was rejected, so a file with one bad row still writes nothing. What later
chunks are checked against (keys met earlier in the file) is kept in temporary tables
(`register.bulk.Seen`): memory stays flat whatever the size of the file.
"""

from __future__ import annotations

import os
import pickle
import queue
import subprocess
import sys
import threading
from collections.abc import Callable, Iterable, Sequence
from contextlib import ExitStack
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import partial
from operator import itemgetter
from typing import IO, Any

from sqlalchemy.orm import Session

from models import Contract
from register import cells
from register.bulk import keep_statistics, lookup
from register.cells import Reasons
from register.report import FileReport, Rejection
from register.sources import FileProblem, Source, Table

PENDING_ROWS = 20000  # rows in a chunk: looked up, checked and written together
#: A row held until its chunk is checked: line, project code, reasons to reject it so far, its values.
Pending = tuple[int, str | None, Reasons | None, Any]
KNOWN_CODES = 100_000  # project codes cached at most (a file sorted by contract seldom misses)
PROCESS_BYTES = 16 * 1024 * 1024  # a CSV file this big or bigger is read and parsed by a process of its own


class ContractIndex:
    """project_code → (id, contract_date), looked up in bulk and cached (a bounded cache)."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.known: dict[str, tuple[int, date] | None] = {}

    def load(self, codes: Iterable[str]) -> None:
        """Every one of `codes` is in `known` afterwards (found, or None: not in the register)."""
        wanted = set(codes)
        missing = {code for code in wanted if code not in self.known}
        if not missing:
            return
        if len(self.known) + len(missing) > KNOWN_CODES:
            # start afresh, and look up the codes asked for that were cached (a contract whose
            # member rows run over a chunk's edge): dropping them with the rest made its rows
            # in the next chunk "not in the register" (seen on a national members file)
            self.known = {}
            missing = wanted
        columns = (Contract.id, Contract.project_code, Contract.contract_date)
        for contract_id, code, contract_date in lookup(self.session, columns, Contract.project_code, missing):
            self.known[code] = (contract_id, contract_date)
        for code in missing:
            self.known.setdefault(code, None)


@dataclass
class ImportState:
    """Shared by the files of one call: codes only found in contracts files that were refused; progress."""

    refused_codes: dict[str, str] = field(default_factory=dict)  # code → file name
    tick: Callable[[], None] | None = None  # told at every chunk of PENDING_ROWS rows (the import's progress)


_END = object()  # after the last chunk of a file


def _hand_over(chunks: queue.Queue[Any], stop: threading.Event, item: Any) -> bool:
    """Put `item` for the writing thread; False when it stopped waiting (it failed or is done)."""
    while not stop.is_set():
        try:
            chunks.put(item, timeout=0.1)
        except queue.Full:
            continue
        return True
    return False


class Loader:
    """Reads and checks every row of one source, then writes it (only when nothing was rejected)."""

    kind = ""
    chunk_rows = PENDING_ROWS  # tests shrink it to cross chunk boundaries on small files
    process_bytes = PROCESS_BYTES  # … and this, to read small files by a process
    required_columns: tuple[str, ...] = ()
    optional_columns: tuple[str, ...] = ()
    written_tables: tuple[str, ...] = ()  # what a file of this kind writes (its statistics kept fresh)

    def __init__(self, session: Session, table: Table, report: FileReport, now: datetime,
                 state: ImportState) -> None:
        self.session = session
        self.table = table
        self.report = report
        self.now = now
        self.state = state
        self.chunks_written = 0
        self.contracts = ContractIndex(session)
        self._start_parsing()

    def _start_parsing(self) -> None:
        """What reading and parsing rows needs (all a reading process has of a loader: no session)."""
        self.today = self.now.date()
        self._pending: list[Any] = []  # the chunk being parsed (`Pending` rows; contracts: their own)
        self._refused: list[tuple[int, list[str]]] = []  # … its rows refused before parsing: line, reasons
        self._extract = self._bind(self.table.header)

    @classmethod
    def parser(cls, table: Table, now: datetime, chunk_rows: int) -> Loader:
        """A loader that only reads and parses (`_parse`), as the reading process runs it: no session,
        no database, nothing written; rows counted in a report of its own."""
        self = cls.__new__(cls)
        self.table, self.now, self.chunk_rows = table, now, chunk_rows
        self.report = FileReport(name=table.source.name, kind=cls.kind)
        self._start_parsing()
        return self

    def _bind(self, header: list[str]) -> Callable[[Sequence[Any]], tuple[Any, ...]]:
        """A function from a row's cells to the values of the known columns, required then optional."""
        required, optional = self.required_columns, self.optional_columns
        seen: dict[str, int] = {}
        known = set(required) | set(optional)
        for index, name in enumerate(header):
            if name and name in seen and name in known:  # an unknown one is ignored anyway
                raise FileProblem(f'column "{name}" appears twice in the header')
            seen[name or f"(column {index + 1}, no name)"] = index
        missing = [name for name in required if name not in seen]
        named = [name for name in header if name]
        if missing and len(named) == 1 and (separator := next((s for s in (";", "\t", "|") if s in named[0]), None)):
            words = {";": "semicolons (;)", "\t": "tabs", "|": "bars (|)"}[separator]
            raise FileProblem(f"the columns are separated by {words}, not commas: save the file as "
                              "\"CSV UTF-8 (comma delimited)\" and import it again")
        if missing:
            listed = ", ".join(f'"{name}"' for name in missing)
            raise FileProblem(f"missing required column{'s' if len(missing) > 1 else ''} {listed} "
                              f"(the header on {self.table.where(self.table.header_line)} has: "
                              f"{', '.join(name for name in header if name)})")
        for name in seen:
            if name not in required and name not in optional:
                self.report.notes.append(f'unknown column "{name}" ignored')
        self.width = len(header)
        return itemgetter(*(seen.get(name, self.width) for name in required + optional))

    # -- reading

    def read(self) -> None:
        """Read and check every row; each chunk is checked against the database and written here,
        while the next one is read and parsed elsewhere: by a thread, or for a big CSV file
        (PROCESS_BYTES) by a process of its own (`_read_by_process`).

        Python and PostgreSQL take turns on one connection. A thread parses the next chunk
        while this one is written, but it shares the interpreter's lock with the writing: the
        100k national sample imported as fast with the thread as with no thread at all (29.8 s
        and 30.4 s). A process parses on the other core, and unpickling what it hands over
        costs a fraction of parsing it: the 1M national register's first import went from
        about 320 s to 273 s (docs/PERFORMANCE.md). A small file keeps the thread: starting a
        process costs about half a second. The chunks, and the rows refused while parsing,
        come in file order, so what is written and reported is what one thread would give.
        At most three chunks are alive: the one written, one waiting, one being parsed.
        """
        source = self.table.source
        if source.sheet is None and source.path.stat().st_size >= self.process_bytes:
            self._read_by_process()
            return
        chunks: queue.Queue[Any] = queue.Queue(maxsize=1)
        stop = threading.Event()
        reader = threading.Thread(target=self._parse, args=(partial(_hand_over, chunks, stop),),
                                  name="register-read", daemon=True)
        reader.start()
        try:
            while (item := chunks.get()) is not _END:
                self._take(item)
                del item
        finally:
            stop.set()
            reader.join()

    def _take(self, item: Any) -> None:
        """One item of the reading thread or process: a chunk (resolved here) or the file's problem."""
        if isinstance(item, BaseException):
            try:
                raise item  # the file's problem (FileProblem, not UTF-8, not CSV …), after the chunks before it
            finally:
                # not kept in this frame: its traceback holds the frame (a cycle), and the reading
                # thread's frames with the sheet's open file, until a garbage collection
                del item
        refused, pending, _rows = item
        for line, reasons in refused:
            self.reject(line, reasons)
        self._resolve(pending)

    def _read_by_process(self) -> None:
        """`read` with the parsing in a child process (a new interpreter: nothing of this process,
        its threads or its database connection, is copied). The child is told the file, the
        loader and the time on its stdin and answers on its stdout: every chunk pickled, in file
        order, one frame (its length, then the bytes) at a time; the pipe holds it at most a
        chunk ahead."""
        source = self.table.source
        wanted = (type(self), Source(source.path, source.kind, limits=source.limits), self.now, self.chunk_rows)
        paths = os.pathsep.join(path for path in sys.path if path)
        reader = subprocess.Popen([sys.executable, "-c", "from register.loader import parse_in_process; "
                                   "parse_in_process()"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                  env={**os.environ, "PYTHONPATH": paths})
        assert reader.stdin is not None and reader.stdout is not None
        try:
            try:
                with reader.stdin:
                    pickle.dump(wanted, reader.stdin, protocol=pickle.HIGHEST_PROTOCOL)
            except BrokenPipeError:
                pass  # it stopped before it read what to do: said below, when nothing comes
            while True:
                try:
                    item = _receive(reader.stdout)
                except EOFError:
                    raise FileProblem(_stopped(reader.wait())) from None
                if item is None:
                    break
                if not isinstance(item, BaseException):
                    self.report.rows = item[2]  # the rows the process read so far (the thread counts in the report)
                self._take(item)
                del item
            if reader.wait() != 0:
                raise FileProblem(_stopped(reader.returncode))
        finally:
            reader.stdout.close()
            if reader.poll() is None:
                reader.kill()
            reader.wait()

    def _parse(self, hand_over: Callable[[Any], bool]) -> None:
        """The reading thread or process: every row parsed (`row`), handed over a chunk at a time
        with the rows read so far, then _END (`hand_over` says False when nobody waits any more)."""
        width, report, extract, take = self.width, self.report, self._extract, self.row
        pending, refused = self._pending, self._refused
        try:
            for line, row in self.table.rows():
                report.rows += 1
                if len(row) != width or not isinstance(row, list):
                    row = list(row)
                    if any(cells.text(c) for c in row[width:]):
                        refused.append((line, [f"has {len(row)} cells but the header has {width} columns "
                                               "(a comma inside a value without quotes?)"]))
                        continue
                    del row[width:]
                    row.extend([""] * (width - len(row)))
                row.append("")  # what a column missing from the header reads as
                take(line, extract(row))
                if len(pending) >= self.chunk_rows:
                    if not hand_over((refused, pending, report.rows)):
                        return
                    pending = self._pending = []
                    refused = self._refused = []
            if hand_over((refused, pending, report.rows)):  # the last chunk, even empty: it ends the file's checks
                hand_over(_END)
        except BaseException as exc:  # the reading thread's exception is the import's
            hand_over(exc)

    def row(self, line: int, values: tuple[Any, ...]) -> None:
        raise NotImplementedError

    def reject(self, line: int, reasons: Sequence[str]) -> None:
        self.report.rejected += 1
        self.report.rejections.append(Rejection(line, self.table.where(line), "; ".join(reasons)))

    def defer(self, line: int, code: str | None, reasons: Reasons | None, payload: Any) -> None:
        """Hold a row until its project code is looked up with the others (one query per chunk)."""
        self._pending.append((line, code, reasons, payload))

    def _resolve(self, pending: list[Any]) -> None:
        """Check a chunk's rows against the database and the file's earlier rows, then write them
        while no row of the file was rejected."""
        if self.state.tick is not None:
            self.state.tick()
        self.contracts.load(code for _, code, _, _ in pending if code)
        known = self.contracts.known
        pending = self.check_chunk(pending)
        accepted: list[tuple[tuple[int, date], Any]] = []
        accept, keep = self.accept, accepted.append
        for line, code, reasons, payload in pending:
            found = known.get(code) if code else None
            if found is None or reasons:
                reasons = reasons or Reasons()
                if code and found is None:
                    reasons.append(self._unknown_code(code))
                self.reject(line, reasons)
                continue
            problem = accept(found, payload)
            if problem:
                self.reject(line, [problem])
            else:
                keep((found, payload))
        if self.report.rejected:
            self.skip_chunk()
        else:
            self.write_chunk(accepted)
            self.chunk_written()

    def chunk_written(self) -> None:
        """After each chunk written: at the 1st, 2nd, 4th, 8th … the tables written are analysed
        (`bulk.keep_statistics`), so their lookups are planned for the rows they hold by now; a
        national payments file (458 chunks) is analysed 9 times."""
        self.chunks_written += 1
        if self.chunks_written & (self.chunks_written - 1) == 0:
            keep_statistics(self.session, self.written_tables)

    def check_chunk(self, pending: list[Pending]) -> list[Pending]:
        """Checks of a chunk's rows against each other and the file's earlier rows (may add reasons)."""
        return pending

    def _unknown_code(self, code: str) -> str:
        refused = self.state.refused_codes.get(code)
        if refused:
            return f"project_code {code} is only in {refused}, which was not imported"
        return (f"project_code {code} is not in the register "
                "(neither in the database nor in a contracts file of this import)")

    def accept(self, contract: tuple[int, date], payload: Any) -> str | None:
        """A row whose project code exists; returns a reason to reject it, if any."""
        return None

    def finish_rejected(self) -> None:
        """Called when the file is refused, before its SAVEPOINT is rolled back: nothing is written."""

    # -- writing

    def write_chunk(self, accepted: list[tuple[tuple[int, date], Any]]) -> None:
        """Write a chunk's rows (only while no row of the file was rejected): (contract, payload) each."""
        raise NotImplementedError

    def skip_chunk(self) -> None:
        """Called instead of `write_chunk` once a row of the file was rejected."""

    def finish(self) -> None:
        """Called when every row was read and none rejected: the report's last figures."""


_LENGTH = 8  # bytes of a frame's length


def _stopped(exit_code: int) -> str:
    return (f"the file was not read to the end: the process reading it stopped (exit code {exit_code}), "
            "perhaps for want of memory; nothing of it was written")


def _receive(stream: IO[bytes]) -> Any:
    """One frame of the reading process: what it sent (EOFError when it stopped mid-way)."""
    head = stream.read(_LENGTH)
    if len(head) < _LENGTH:
        raise EOFError
    size = int.from_bytes(head, "little")
    data = stream.read(size)
    if len(data) < size:
        raise EOFError
    return pickle.loads(data)


def parse_in_process() -> None:
    """The reading process (`Loader._read_by_process`): parse the file and send every chunk, then
    None; or the file's problem (an exception) and stop. Nothing here touches a database."""
    loader, source, now, chunk_rows = pickle.load(sys.stdin.buffer)
    out = sys.stdout.buffer
    sys.stdout = sys.stderr  # whatever is printed goes to stderr, not between the frames

    def send(item: Any) -> bool:
        try:
            data = pickle.dumps(None if item is _END else item, protocol=pickle.HIGHEST_PROTOCOL)
        except Exception:  # an exception that does not pickle: said in words
            data = pickle.dumps(RuntimeError(f"{type(item).__name__}: {item}"))
        try:
            out.write(len(data).to_bytes(_LENGTH, "little"))
            out.write(data)
            out.flush()
        except (BrokenPipeError, OSError):  # the import stopped waiting (it failed, or was stopped)
            return False
        return True

    with ExitStack() as stack:
        try:
            table = Table(source, stack)
        except BaseException as exc:
            send(exc)
            return
        loader.parser(table, now, chunk_rows)._parse(send)
