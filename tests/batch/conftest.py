import pandas as pd
import pytest

from kampungkb.batch import run
from tests.batch import samples

# No height, so no Cara Ukur is needed: each row has the one reason it is named for.
BAD_ROWS = [
    ["", "Tanggal Salah", "L", "31/02/2023", "19.06.01.2001", "", "01/01/2024", "9", "", "", ""],
    ["", "Kode Salah", "P", "01/02/2023", "Kurnia Jaya", "", "01/01/2024", "9", "", "", ""],
    ["", "Berat Salah", "P", "01/02/2023", "19.06.01.2001", "", "01/01/2024", "abc", "", "", ""],
    ["", "Lahir Kemudian", "L", "01/02/2024", "19.06.01.2001", "", "01/01/2024", "9", "", "", ""],
    ["", "Kelamin Salah", "X", "01/02/2023", "19.06.01.2001", "", "01/01/2024", "9", "", "", ""],
    ["1", "2"],  # cut short
]


@pytest.fixture(scope="session")
def exports(tmp_path_factory):
    """A folder of synthetic exports in every format, with a few bad rows."""
    root = tmp_path_factory.mktemp("exports")
    (root / "sub").mkdir()
    samples.write_csv(root / "a.csv", samples.measurements(1, 150), title=True, bad=BAD_ROWS)
    samples.write_csv(root / "sub" / "b.csv", samples.measurements(2, 120), delimiter=";")
    samples.write_xlsx(root / "sub" / "c.xlsx", samples.measurements(3, 40))
    samples.write_parquet(root / "d.parquet", samples.measurements(4, 100))
    return root


@pytest.fixture(scope="session")
def clients():
    """Local clusters of 1 and 2 in-process workers (threads: quick to start in CI)."""
    made = {n: run.local_client(n, processes=False) for n in (1, 2)}
    yield made
    for client in made.values():
        cluster = client.cluster
        client.close()
        cluster.close()


def read_back(path, key) -> pd.DataFrame:
    """A Parquet output as one frame in a fixed order, text columns as plain strings."""
    frame = pd.read_parquet(path)
    for name in frame.columns:
        series = frame[name]
        if not (
            pd.api.types.is_numeric_dtype(series) or pd.api.types.is_datetime64_any_dtype(series)
        ):
            frame[name] = series.astype(str).astype(object)
    frame = frame[sorted(frame.columns)]
    return frame.sort_values(key).reset_index(drop=True)
