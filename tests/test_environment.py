"""The install files agree with each other and the library stays light."""
import subprocess
import sys
from pathlib import Path

import tomllib
import yaml

ROOT = Path(__file__).resolve().parents[1]
SELF = "sequence-models-course"


def pyproject_requirements():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    requirements = list(project["dependencies"])
    for extra in project["optional-dependencies"].values():
        requirements += [r for r in extra if not r.startswith(SELF)]
    return requirements


def environment_requirements():
    environment = yaml.safe_load((ROOT / "environment.yml").read_text())
    pip_sections = [d["pip"] for d in environment["dependencies"] if isinstance(d, dict)]
    assert len(pip_sections) == 1, "environment.yml must have exactly one pip: section"
    return [r for r in pip_sections[0] if not r.startswith("-e")]


def test_environment_yml_lists_exactly_the_pyproject_requirements():
    from_pyproject = pyproject_requirements()
    from_environment = environment_requirements()
    assert sorted(from_pyproject) == sorted(from_environment), (
        f"only in pyproject.toml: {sorted(set(from_pyproject) - set(from_environment))}; "
        f"only in environment.yml: {sorted(set(from_environment) - set(from_pyproject))}"
    )


def test_every_requirement_is_listed_once():
    names = [r.split(";")[0].split("[")[0].split("=")[0].split(">")[0].split("<")[0].strip().lower()
             for r in pyproject_requirements()]
    assert len(names) == len(set(names)), f"listed twice: {sorted({n for n in names if names.count(n) > 1})}"


def test_torch_is_pinned_exactly():
    assert "torch==2.13.0" in pyproject_requirements()


def test_environment_python_matches_pyproject():
    environment = yaml.safe_load((ROOT / "environment.yml").read_text())
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert "python=3.11" in environment["dependencies"]
    # the library (and the handouts) run on 3.10 to 3.13: tests/test_handouts.py checks what is installed
    assert project["requires-python"].split("#")[0].strip() == ">=3.10,<3.14"


def test_importing_the_numpy_reference_does_not_import_torch():
    code = "import sys, reference_impl; print('torch' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "False", "import reference_impl pulled in torch"
