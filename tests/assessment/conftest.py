from tests.cases.conftest import active_file, household, standard  # noqa: F401
