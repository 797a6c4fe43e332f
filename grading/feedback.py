"""Feedback a student can read anywhere: ``python -m grading feedback``.

nbgrader's ``generate_feedback`` writes one HTML page per autograded
notebook, with two more steps here:

- :class:`StudentOutputs` puts back the outputs of the student's own cells
  (plots, printed losses, samples) from the submitted notebook; the grader
  never runs them in a kernel, so the autograded copy has none. Only plain
  text, images and error messages are kept: no HTML or JavaScript.
- :class:`PartTitles` puts a heading before each hidden check: the part's
  name and what it checks (the check's docstring), with its points.

Each page then loads MathJax from a copy next to it (from the course's
``node_modules/mathjax``, pinned in package.json; files are hard-linked where
the file system allows), not from a CDN, and wraps long messages to the
screen's width. Feedback can be handed back through nbgrader's exchange
(``release_feedback``, which hands back the HTML file alone: such a page
carries MathJax's SVG build inside it) or as one zip per student for an LMS
upload.
"""
import os
import re
import shutil
import zipfile
from pathlib import Path

import nbformat
from traitlets import Unicode

from .cells import nbgrader_metadata
from .course_config import CourseError, load_config

try:
    from nbgrader.preprocessors import NbGraderPreprocessor
except ImportError:  # nbgrader is in the "grading" extra
    NbGraderPreprocessor = object

MATHJAX_FILES = ("tex-chtml-full.js", "output/chtml/fonts/woff-v2")
SAFE_MIME = ("text/plain", "image/png", "image/jpeg")
TEXT_LIMIT = 20_000
_MATHJAX_BLOCK = re.compile(r"<!-- Load mathjax -->.*?<!-- End of mathjax configuration -->", re.S)
_HEAD = """<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
pre, .output_text, .output_error { white-space: pre-wrap; overflow-wrap: anywhere; word-break: break-word; }
body { max-width: 60rem; margin: auto; padding: 0 0.5rem; }
img { max-width: 100%; height: auto; }
mjx-container[display="true"] { display: block; overflow-x: auto; overflow-y: hidden; max-width: 100%; }
</style>
"""
_LOCAL_MATHJAX = """<script>
window.MathJax = {tex: {inlineMath: [['$', '$'], ['\\\\(', '\\\\)']], displayMath: [['$$', '$$'], ['\\\\[', '\\\\]']],
                        processEscapes: true, tags: 'ams'},
                  options: {enableMenu: false}};
</script>
<script src="mathjax/tex-chtml-full.js" id="MathJax-script"></script>"""


def _safe_outputs(outputs):
    """The outputs worth showing and safe to render: text, images, error messages; text is cut short."""
    kept = []
    for output in outputs:
        kind = output.get("output_type")
        if kind == "stream" and output.get("name") == "stdout":
            kept.append(nbformat.v4.new_output("stream", name="stdout", text=str(output.get("text", ""))[:TEXT_LIMIT]))
        elif kind in ("execute_result", "display_data"):
            data = {key: value for key, value in output.get("data", {}).items() if key in SAFE_MIME}
            if "text/plain" in data:
                data["text/plain"] = str(data["text/plain"])[:TEXT_LIMIT]
            if data:
                kept.append(nbformat.v4.new_output("display_data", data=data))
        elif kind == "error":
            kept.append(nbformat.v4.new_output("error", ename=str(output.get("ename", ""))[:200],
                                               evalue=str(output.get("evalue", ""))[:TEXT_LIMIT], traceback=[]))
    return kept


def _submitted(course_dir, resources):
    """The notebook the student handed in for the page being made, or None if it cannot be read."""
    info = resources["nbgrader"]
    path = Path(course_dir) / "submitted" / info["student"] / info["assignment"] / f"{info['notebook']}.ipynb"
    try:
        return nbformat.read(path, as_version=4)
    except Exception:
        return None


class StudentOutputs(NbGraderPreprocessor):
    """Copies the outputs of the student's cells from the submitted notebook (matched by grade_id, or by
    source for cells the student added); test cells keep the grader's outcome."""

    course_dir = Unicode("", help="the course folder").tag(config=True)

    def preprocess(self, nb, resources):
        submitted = _submitted(self.course_dir, resources)
        if submitted is None:  # no readable submission: nothing to copy
            return nb, resources
        by_id, by_source = {}, {}
        for cell in submitted.cells:
            if cell.cell_type == "code" and cell.get("outputs"):
                grade_id = nbgrader_metadata(cell).get("grade_id")
                if grade_id:
                    by_id.setdefault(grade_id, cell.outputs)
                else:
                    by_source.setdefault(cell.source, []).append(cell.outputs)
        for cell in nb.cells:
            meta = nbgrader_metadata(cell)
            if cell.cell_type != "code" or (meta.get("grade") and not meta.get("solution")) or cell.get("outputs"):
                continue
            outputs = by_id.get(meta.get("grade_id")) if meta.get("grade_id") else None
            if outputs is None and by_source.get(cell.source):
                outputs = by_source[cell.source].pop(0)
            if outputs:
                cell.outputs = _safe_outputs(outputs)
        return nb, resources


class PartTitles(NbGraderPreprocessor):
    """A heading before each hidden check: the part's id, what it checks, its points; in the language of the
    handout the student worked in (the messages table of grading.translation)."""

    course_dir = Unicode("", help="the course folder").tag(config=True)

    def preprocess(self, nb, resources):
        from .checks import graded_tests
        from .gradebook_report import extra_credit_parts
        from .translation import language_of, message_table

        submitted = _submitted(self.course_dir, resources)
        table = message_table(language_of(submitted) if submitted is not None else None)
        tests = graded_tests(resources["nbgrader"]["assignment"])
        extra_credit = extra_credit_parts(resources["nbgrader"]["assignment"])
        cells = []
        for cell in nb.cells:
            meta = nbgrader_metadata(cell)
            test = tests.get(meta.get("grade_id"))
            if cell.cell_type == "code" and meta.get("grade") and not meta.get("solution") and test is not None:
                cells.append(nbformat.v4.new_markdown_cell(part_heading(test, test.grade_id in extra_credit, table)))
            cells.append(cell)
        nb.cells = cells
        return nb, resources


def part_heading(test, extra_credit=False, table=None):
    """The heading of a hidden check's part: its id, what it checks (the first line of the check's docstring),
    its points; translated by ``table`` (a grading.messages.Table) when one is given.

    The description is translated on its own first, so that parentheses of its own ("the masked
    cross-entropy (summed over steps, ...)") cannot be taken for those around the points.
    """
    lines = (test.check.__doc__ or "").strip().splitlines()
    what = lines[0] if lines else ""
    if table is not None:
        what = table.translate_line(what)
    extra = " (extra credit)" if extra_credit else ""
    title = f"#### Part {test.grade_id}{extra}: {what}".rstrip(": ") + f" ({test.points:g} point(s))"
    return title if table is None else table.translate(title)


def vendored_mathjax(course_dir):
    """The es5/ folder of the course's MathJax (node_modules/mathjax), or a clear error."""
    source = Path(course_dir) / "node_modules" / "mathjax" / "es5"
    if not (source / MATHJAX_FILES[0]).is_file():
        repository = Path(__file__).resolve().parent.parent / "node_modules" / "mathjax" / "es5"
        if not (repository / MATHJAX_FILES[0]).is_file():
            raise CourseError(f"MathJax is not installed ({source / MATHJAX_FILES[0]} is missing): "
                              "run scripts/vendor_mathjax.sh in the course repository")
        source = repository
    return source


def _link_tree(source, target):
    """Copy ``source`` (file or folder) to ``target`` as hard links where possible."""
    def link(src, dst):
        try:
            os.link(src, dst)
        except OSError:
            shutil.copy2(src, dst)
    if source.is_dir():
        shutil.copytree(source, target, copy_function=link, dirs_exist_ok=True)
    else:
        target.parent.mkdir(parents=True, exist_ok=True)
        if not target.exists():
            link(source, target)


def finish_page(html_path, mathjax_es5):
    """Offline MathJax next to the page, a phone-width layout, wrapped messages."""
    html_path = Path(html_path)
    text = html_path.read_text(encoding="utf-8")
    text = _MATHJAX_BLOCK.sub(lambda _: _LOCAL_MATHJAX, text, count=1)
    if 'name="viewport"' not in text:
        text = text.replace("</head>", _HEAD + "</head>", 1)
    html_path.write_text(text, encoding="utf-8")
    for part in MATHJAX_FILES:
        _link_tree(mathjax_es5 / part, html_path.parent / "mathjax" / part)


def generate(course_dir, assignment, student=None, db_url=None):
    """nbgrader's generate_feedback with StudentOutputs and PartTitles; return the HTML pages written."""
    from nbgrader.apps import NbGraderAPI
    from nbgrader.coursedir import CourseDirectory

    config = load_config(course_dir)
    config.CourseDirectory.root = str(course_dir)
    if db_url:
        config.CourseDirectory.db_url = db_url
    configured = list(config.GenerateFeedback.get("preprocessors", []))
    if not configured:
        from nbgrader.converters import GenerateFeedback
        configured = list(GenerateFeedback(config=config).preprocessors)
    config.GenerateFeedback.preprocessors = [*configured, StudentOutputs, PartTitles]
    config.StudentOutputs.course_dir = config.PartTitles.course_dir = str(course_dir)
    api = NbGraderAPI(CourseDirectory(config=config), config=config)
    result = api.generate_feedback(assignment, student, force=True)
    if not result["success"]:
        raise CourseError(f"feedback of {assignment} failed: {result.get('error') or result.get('log', '')[-2000:]}")
    pattern = f"{student or '*'}/{assignment}/*.html"
    return sorted((Path(course_dir) / "feedback").glob(pattern))


def zip_per_student(course_dir, assignments, zip_dir, student=None):
    """One zip per student of their feedback folders for ``assignments``; return the zips."""
    zip_dir = Path(zip_dir)
    zip_dir.mkdir(parents=True, exist_ok=True)
    root = Path(course_dir) / "feedback"
    zips = []
    for folder in sorted(p for p in root.iterdir() if p.is_dir() and (student is None or p.name == student)):
        files = [f for a in assignments for f in sorted((folder / a).rglob("*")) if f.is_file()]
        if not files:
            continue
        target = zip_dir / f"{folder.name}.zip"
        with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
            for path in files:
                archive.write(path, path.relative_to(folder))
        zips.append(target)
    return zips


def _release(course_dir, assignment, student, db_url):
    """nbgrader's release_feedback; its failure as one line (the first critical or error line of its log)."""
    from .nbgrader_commands import NbgraderError, run_nbgrader

    folders = sorted((Path(course_dir) / "submitted").glob(f"{student or '*'}/{assignment}"))
    without = [folder.parent.name for folder in folders if not (folder / "submission_secret.txt").is_file()]
    if without:
        raise CourseError(f"--release hands feedback back through nbgrader's exchange, which only knows submissions "
                          f"collected through it; {len(without)} of {assignment} came from elsewhere "
                          f"({', '.join(without[:5])}{', ...' if len(without) > 5 else ''}): use --zip DIR instead")
    try:
        run_nbgrader(["release_feedback", assignment] + ([f"--student={student}"] if student else []), course_dir,
                     ["--db", db_url] if db_url else [])
    except NbgraderError as error:
        lines = [line for line in str(error).splitlines() if "CRITICAL]" in line or "ERROR]" in line] or [str(error)]
        raise CourseError(f"release_feedback of {assignment} failed: {lines[0].split('] ', 1)[-1].strip()} "
                          "(nbgrader's exchange is c.Exchange.root in nbgrader_config.py)") from None


def self_contained(html_path, mathjax_es5):
    """The page with MathJax's SVG build inside it, for nbgrader's exchange, which hands back the HTML file
    alone: the SVG output draws its glyphs itself, so no font file (nor the CHTML build next to the page) is
    needed."""
    html_path = Path(html_path)
    text = html_path.read_text(encoding="utf-8")
    script = (mathjax_es5 / "tex-svg-full.js").read_text(encoding="utf-8")
    script = re.sub(r"</(script)", r"<\\/\1", script, flags=re.I)  # the same string to JavaScript; not an end tag
    tag = '<script src="mathjax/tex-chtml-full.js" id="MathJax-script"></script>'
    if tag in text:
        text = text.replace(tag, f'<script id="MathJax-script">{script}</script>', 1)
        html_path.write_text(text, encoding="utf-8")


def feedback(course_dir, assignment=None, student=None, db_url=None, zip_dir=None, release=False):
    """Feedback of one assignment (None: every released one); yield one line per page, zip or release."""
    from .course_config import db_url as course_db_url
    from .term import released

    assignments = [assignment] if assignment else released(course_db_url(course_dir, db_url))
    mathjax = vendored_mathjax(course_dir)
    for name in assignments:
        for page in generate(course_dir, name, student, db_url):
            finish_page(page, mathjax)
            if release:
                self_contained(page, mathjax)
            yield f"{page.parent.parent.name}\t{name}\t{page}"
        if release:
            _release(course_dir, name, student, db_url)
            yield f"-\t{name}\treleased through nbgrader's exchange"
    if zip_dir:
        for path in zip_per_student(course_dir, assignments, zip_dir, student):
            yield f"{path.stem}\tzip\t{path}"
