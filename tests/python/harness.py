"""What the Python tests share: the source and build folders (from ctest's environment), scratch
directories, and a runner of every test_* function of a module (plain scripts: pytest is not
needed). A test fails by raising; the script exits 1 when any failed."""
import os
import sys
import tempfile
import traceback

SOURCE = os.environ.get("SPICELOOP_SOURCE_DIR", os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..")))
BUILD = os.environ.get("SPICELOOP_BUILD_DIR", os.path.join(SOURCE, "build"))
sys.path.insert(0, os.path.join(BUILD, "python"))


def netlist(*parts):
    return os.path.join(SOURCE, "netlists", *parts)


def scratch(name):
    return tempfile.mkdtemp(prefix=f"spiceloop-py-{name}-")


def expect_error(error_id, call, *args, **kwargs):
    """Runs call and returns the spiceloop.Error it raised, which must carry error_id."""
    import spiceloop
    try:
        call(*args, **kwargs)
    except spiceloop.Error as e:
        assert e.id == error_id, f"expected {error_id}, got {e.id}: {e}"
        assert str(e).startswith(f"[spiceloop.{error_id}]"), str(e)
        return e
    raise AssertionError(f"expected spiceloop.Error {error_id}, nothing was raised")


def run(namespace):
    tests = [(name, f) for name, f in namespace.items() if name.startswith("test_") and callable(f)]
    failed = 0
    for name, f in tests:
        try:
            f()
            print(f"ok   {name}")
        except Exception:  # noqa: BLE001 (report every failure, then exit 1)
            failed += 1
            print(f"FAIL {name}")
            traceback.print_exc()
    print(f"{len(tests) - failed} passed, {failed} failed")
    sys.exit(1 if failed else 0)
