from tests.setup.conftest import org  # noqa: F401  (the same end-to-end fixture)
