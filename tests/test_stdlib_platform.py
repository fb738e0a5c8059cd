"""platform/ is a source root, not a package: the standard library's module must win."""

import subprocess
import sys
import sysconfig
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_stdlib_platform_inside_django_process(settings):
    import platform

    import ambito

    assert platform.system() == "Linux"
    assert Path(platform.__file__).parent == Path(sysconfig.get_paths()["stdlib"])
    assert Path(ambito.__file__).parent == ROOT / "platform" / "ambito"


def test_stdlib_platform_through_manage_py():
    code = "import platform, uuid; print(platform.system(), platform.__file__, uuid.uuid4().version)"
    out = subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), "shell", "-c", code],
        capture_output=True, text=True, check=True, cwd=ROOT,
    ).stdout
    system, path, version = out.strip().splitlines()[-1].split()
    assert system == "Linux"
    assert "/platform/" not in path.replace(str(ROOT), "")
    assert version == "4"
