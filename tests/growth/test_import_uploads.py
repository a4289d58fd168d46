"""An upload is its uploader's (and the admins' of their area), and it is not kept forever.

Another user who learns the hash of someone else's upload (from a shared link, a log, a
screenshot) gets 404 on its preview, its rejected rows and its save: those pages show full
NIKs, names and mothers' names.
"""

import datetime
import errno
import hashlib
import io
import os
import tempfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from kampungkb.core.models import AuditEntry
from kampungkb.growth.importing.selectors import upload_available, upload_get
from kampungkb.growth.importing.uploads import imports_dir, upload_store, uploads_purge
from kampungkb.growth.models import ImportBatch, Measurement, Upload
from tests import factories
from tests.conftest import GANTUNG, LALANG_JAYA, MANGGAR

PAGES = ("import_preview", "import_errors_xlsx", "import_commit")


def _upload(client, path) -> str:
    response = client.post(
        reverse("growth:import_upload"), {"file": SimpleUploadedFile(path.name, path.read_bytes())}
    )
    assert response.status_code == 302
    return response["Location"].rstrip("/").rsplit("/", 1)[-1]


def _ask(client, user, page: str, sha: str):
    client.force_login(user)
    url = reverse(f"growth:{page}", args=[sha])
    posted = page in ("import_commit", "import_posyandu_map")
    return client.post(url) if posted else client.get(url)


@pytest.fixture
def manggar_file(eppgbm):
    """A Manggar file with a rejected row (so the errors xlsx has a child's NIK and name)."""
    return eppgbm.xlsx(
        [eppgbm.row(), eppgbm.row(NIK="1906010101240005", Nama="Anak Ditolak", Berat="150")]
    )


@pytest.fixture
def uploaded(client, users, media_root, manggar_file):
    """The Manggar file, uploaded by Manggar's Operator Kecamatan: (uploader, sha)."""
    client.force_login(users["kecamatan"])
    return users["kecamatan"], _upload(client, manggar_file)


@pytest.mark.parametrize("page", PAGES)
def test_an_operator_of_another_area_gets_404_with_the_right_hash(
    client, uploaded, make_user, page
):
    _, sha = uploaded
    gantung = make_user("operator_kecamatan", GANTUNG, username="operator-gantung")
    response = _ask(client, gantung, page, sha)
    assert response.status_code == 404
    assert b"Anak Ditolak" not in response.content and b"1906010101240005" not in response.content
    assert not ImportBatch.objects.exists() and not Measurement.objects.exists()


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize("who", ["same_role", "desa"])
def test_another_user_of_the_same_area_who_is_not_its_admin_gets_404(
    client, uploaded, users, make_user, page, who
):
    _, sha = uploaded
    other = (
        make_user("operator_kecamatan", MANGGAR, username="operator-manggar-2")
        if who == "same_role"
        else users["desa"]  # Kurnia Jaya, inside Manggar; the file's rows are hers
    )
    assert _ask(client, other, page, sha).status_code == 404
    assert not ImportBatch.objects.exists() and not Measurement.objects.exists()


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize("who", ["uploader", "admin"])
def test_the_uploader_and_the_admin_covering_their_area_get_the_pages(
    client, uploaded, users, page, who
):
    uploader, sha = uploaded
    user = uploader if who == "uploader" else users["admin"]
    response = _ask(client, user, page, sha)
    assert response.status_code in (200, 302)
    if page == "import_commit":
        batch = ImportBatch.objects.get()
        assert response["Location"] == reverse("growth:import_result", args=[batch.pk])
        assert batch.imported_by == user
    else:
        assert response.status_code == 200


MOVES = {
    "made_viewer": {"role": "viewer"},  # aggregates only
    "made_mitra": {"role": "mitra_opd", "wilayah_id": "19.06"},  # reads, never imports
    "moved_away": {"wilayah_id": GANTUNG},  # another kecamatan
    # Down to a desa of Manggar: the file's rows are Kurnia Jaya's, not hers.
    "moved_down": {"role": "operator_desa", "wilayah_id": LALANG_JAYA},
}


def _moved(user, **changes) -> None:
    for name, value in changes.items():
        setattr(user, name, value)
    user.save()


@pytest.mark.parametrize("page", (*PAGES, "import_posyandu_map"))
@pytest.mark.parametrize("move", MOVES)
def test_an_uploader_who_may_no_longer_import_the_uploads_area_gets_nothing_of_it(
    client, uploaded, page, move
):
    """The file holds the names and whole NIKs of the uploader's area when they uploaded it:
    made Viewer or moved out of that area, they could still open its preview, its rejected
    rows (all the rows, now out of their area) and save it, for the retention period."""
    uploader, sha = uploaded
    assert _ask(client, uploader, "import_preview", sha).status_code == 200
    views = AuditEntry.objects.filter(action="view", object_type="growth.upload")
    seen = views.count()
    assert seen == 1  # the allowed read is in the trail
    _moved(uploader, **MOVES[move])
    response = _ask(client, uploader, page, sha)
    # A role that may not import is refused every import page (403) before any upload is
    # looked up; an importer whose area no longer covers the upload's gets the 404 of a hash
    # that is not theirs.
    assert response.status_code == (403 if move.startswith("made") else 404)
    assert b"Anak Ditolak" not in response.content and b"1906010101240005" not in response.content
    assert not ImportBatch.objects.exists() and not Measurement.objects.exists()
    assert views.count() == seen


@pytest.mark.parametrize("move", MOVES)
def test_the_upload_selector_refuses_an_uploader_who_may_no_longer_import_the_area(uploaded, move):
    """Every page of an upload finds it through ``upload_get``: a page that forgot the role
    check still hands a Viewer nothing."""
    uploader, sha = uploaded
    assert upload_get(user=uploader, sha=sha).uploaded_by == uploader
    _moved(uploader, **MOVES[move])
    with pytest.raises(Http404):
        upload_get(user=uploader, sha=sha)
    assert not upload_available(user=uploader, sha=sha)


def test_an_uploader_whose_area_grew_to_cover_the_upload_keeps_it(
    client, users, media_root, manggar_file
):
    """Kurnia Jaya's operator made Manggar's: her upload lies inside her new area."""
    desa = users["desa"]
    client.force_login(desa)
    sha = _upload(client, manggar_file)
    desa.role, desa.wilayah_id = "operator_kecamatan", MANGGAR
    desa.save()
    for page in ("import_preview", "import_errors_xlsx"):
        assert _ask(client, desa, page, sha).status_code == 200
    views = AuditEntry.objects.filter(action="view", object_type="growth.upload", actor=desa)
    assert sorted(views.values_list("changes__page", flat=True)) == ["preview", "rejected_xlsx"]


def test_the_admin_of_the_area_keeps_the_upload_of_an_operator_who_moved(client, uploaded, users):
    uploader, sha = uploaded
    _moved(uploader, wilayah_id=GANTUNG)
    assert _ask(client, users["admin"], "import_preview", sha).status_code == 200


@pytest.mark.parametrize("who", ["importer", "admin"])
def test_an_importer_moved_away_no_longer_opens_their_imports_result(client, uploaded, users, who):
    """The result page is the saved import's report (duplicate children by name, mother and
    birth date; the rejected rows' link): once its importer covers another area, it is a 404
    as another area's import is; the admin covering the import's area still opens it."""
    uploader, sha = uploaded
    _ask(client, uploader, "import_commit", sha)
    result = reverse("growth:import_result", args=[ImportBatch.objects.get().pk])
    assert client.get(result).status_code == 200
    _moved(uploader, wilayah_id=GANTUNG)
    client.force_login(uploader if who == "importer" else users["admin"])
    assert client.get(result).status_code == (404 if who == "importer" else 200)


def test_the_same_file_uploaded_by_two_users_is_each_ones_own(
    client, users, media_root, manggar_file, make_user
):
    client.force_login(users["kecamatan"])
    sha = _upload(client, manggar_file)
    client.force_login(users["desa"])
    assert _upload(client, manggar_file) == sha
    assert Upload.objects.filter(sha256=sha).count() == 2
    assert _ask(client, users["desa"], "import_preview", sha).status_code == 200
    gantung = make_user("operator_kecamatan", GANTUNG, username="operator-gantung")
    assert _ask(client, gantung, "import_preview", sha).status_code == 404


def test_a_stored_file_without_an_owner_is_nobodys_but_a_superusers(
    client, users, media_root, manggar_file
):
    # As the upload page stored files before uploads had owners.
    content = manggar_file.read_bytes()
    sha = hashlib.sha256(content).hexdigest()
    folder = media_root / "imports"
    folder.mkdir(parents=True)
    (folder / f"{sha}.xlsx").write_bytes(content)
    (folder / f"{sha}.name").write_text("lama.xlsx", encoding="utf-8")
    for role in ("admin", "kecamatan", "desa"):
        assert _ask(client, users[role], "import_preview", sha).status_code == 404
    root = factories.superuser()
    response = _ask(client, root, "import_preview", sha)
    assert response.status_code == 200 and "lama.xlsx" in response.content.decode()


def test_the_result_page_offers_the_rejected_rows_only_to_who_may_open_the_upload(
    client, uploaded, make_user, settings
):
    uploader, sha = uploaded
    _ask(client, uploader, "import_commit", sha)
    result = reverse("growth:import_result", args=[ImportBatch.objects.get().pk])
    link = reverse("growth:import_errors_xlsx", args=[sha])
    assert link in client.get(result).content.decode()
    # Another operator of Manggar sees the import's report, not a link that answers 404.
    client.force_login(make_user("operator_kecamatan", MANGGAR, username="operator-manggar-2"))
    page = client.get(result)
    assert page.status_code == 200 and link not in page.content.decode()
    # Once the file is purged, not even the uploader gets the link.
    _age(Upload.objects.get(), settings.KAMPUNGKB_UPLOAD_RETENTION_DAYS + 1)
    uploads_purge()
    client.force_login(uploader)
    page = client.get(result)
    assert page.status_code == 200 and link not in page.content.decode()


# --- retention ------------------------------------------------------------------------------


def _age(upload: Upload, days: float) -> None:
    """Make ``upload`` (and its file) ``days`` old."""
    when = timezone.now() - datetime.timedelta(days=days)
    Upload.objects.filter(pk=upload.pk).update(created_at=when)
    path = imports_dir() / f"{upload.sha256}.{upload.ext}"
    os.utime(path, (when.timestamp(), when.timestamp()))


def _store(user, name: str, content: bytes) -> Upload:
    return upload_store(user=user, upload=SimpleUploadedFile(name, content))


@pytest.fixture
def old_and_new(users, media_root, manggar_file, settings):
    settings.KAMPUNGKB_UPLOAD_RETENTION_DAYS = 3
    old = _store(users["kecamatan"], "lama.xlsx", manggar_file.read_bytes())
    broken = _store(users["desa"], "rusak.xlsx", b"bukan zip sama sekali")
    new = _store(users["desa"], "baru.csv", b"NIK;Nama\n")
    _age(old, 4)
    _age(broken, 10)
    _age(new, 1)
    return old, broken, new


def _files(media_root) -> set[str]:
    return {p.name for p in (media_root / "imports").iterdir()}


def test_purge_removes_old_uploads_unreadable_ones_too_and_keeps_recent_ones(
    old_and_new, media_root
):
    new = old_and_new[2]
    result = uploads_purge()
    assert {u.file_name for u in result.uploads} == {"lama.xlsx", "rusak.xlsx"}
    assert list(Upload.objects.values_list("file_name", flat=True)) == ["baru.csv"]
    assert _files(media_root) == {f"{new.sha256}.csv"}
    deleted = AuditEntry.objects.filter(action="delete", object_type="growth.upload")
    assert deleted.count() == 2


def test_a_committed_import_keeps_its_batch_but_not_its_file(
    client, uploaded, media_root, settings
):
    uploader, sha = uploaded
    _ask(client, uploader, "import_commit", sha)
    batch = ImportBatch.objects.get()
    _age(Upload.objects.get(), settings.KAMPUNGKB_UPLOAD_RETENTION_DAYS + 1)
    uploads_purge()
    assert not Upload.objects.exists() and _files(media_root) == set()
    assert ImportBatch.objects.get() == batch and batch.sha256 == sha
    client.force_login(uploader)
    assert client.get(reverse("growth:import_result", args=[batch.pk])).status_code == 200
    assert client.get(reverse("growth:import_preview", args=[sha])).status_code == 404


def test_a_file_shared_with_a_recent_upload_stays_until_that_one_is_old(
    users, media_root, manggar_file
):
    old = _store(users["kecamatan"], "a.xlsx", manggar_file.read_bytes())
    _age(old, 5)
    _store(users["desa"], "b.xlsx", manggar_file.read_bytes())
    uploads_purge(days=3)
    assert list(Upload.objects.values_list("file_name", flat=True)) == ["b.xlsx"]
    assert _files(media_root) == {f"{old.sha256}.xlsx"}


def test_purge_removes_old_files_no_upload_names_and_keeps_recent_ones(users, media_root):
    folder = media_root / "imports"
    folder.mkdir(parents=True)
    stale, fresh = folder / (64 * "a" + ".xlsx"), folder / "tmpabc.part"
    for path in (stale, fresh, folder / (64 * "a" + ".name")):
        path.write_bytes(b"x")
    long_ago = (timezone.now() - datetime.timedelta(days=30)).timestamp()
    os.utime(stale, (long_ago, long_ago))
    os.utime(folder / (64 * "a" + ".name"), (long_ago, long_ago))
    uploads_purge(days=3)
    assert _files(media_root) == {"tmpabc.part"}


def test_the_command_dry_run_changes_nothing_and_the_command_removes(old_and_new, media_root):
    before = (_files(media_root), Upload.objects.count(), AuditEntry.objects.count())
    out = io.StringIO()
    call_command("purge_uploads", "--dry-run", stdout=out)
    assert (_files(media_root), Upload.objects.count(), AuditEntry.objects.count()) == before
    text = out.getvalue()
    assert "Akan dihapus / would remove: 2 unggahan / uploads, 2 berkas / files" in text
    assert "lama.xlsx" in text and "rusak.xlsx" in text and "baru.csv" not in text
    out = io.StringIO()
    call_command("purge_uploads", stdout=out)
    assert "Dihapus / removed: 2 unggahan / uploads, 2 berkas / files" in out.getvalue()
    assert Upload.objects.count() == 1 and len(_files(media_root)) == 1


def test_the_command_takes_another_period(old_and_new, media_root):
    call_command("purge_uploads", "--days", "0", stdout=io.StringIO())
    assert not Upload.objects.exists() and _files(media_root) == set()


@pytest.mark.parametrize("step", ["upload", "commit"])
def test_uploading_and_committing_queue_a_purge_for_the_worker(
    client, old_and_new, users, media_root, eppgbm, django_capture_on_commit_callbacks, step
):
    # The tests run tasks at once (ImmediateBackend): the queued purge removes the old ones.
    client.force_login(users["kecamatan"])
    path = eppgbm.xlsx([eppgbm.row(Nama="Anak Lain")], name="lain.xlsx")
    with django_capture_on_commit_callbacks(execute=step == "upload"):
        sha = _upload(client, path)
    if step == "commit":
        assert Upload.objects.count() == 4
        with django_capture_on_commit_callbacks(execute=True):
            client.post(reverse("growth:import_commit", args=[sha]))
    assert set(Upload.objects.values_list("file_name", flat=True)) == {"baru.csv", "lain.xlsx"}


@pytest.mark.django_db
@pytest.mark.parametrize("days", ["-1", "99999999", "100000000000000000000"])
def test_the_command_refuses_a_period_out_of_range_with_a_message(media_root, days):
    """Not an OverflowError's traceback from the date arithmetic."""
    with pytest.raises(CommandError, match="--days harus antara 0 dan 36500"):
        call_command("purge_uploads", "--days", days, stdout=io.StringIO())


class _DiskFullAfter:
    """A temporary file whose disk fills up after ``limit`` bytes (ENOSPC), as a full disk's."""

    def __init__(self, real, limit: int):
        self.real, self.limit, self.written = real, limit, 0

    def __enter__(self):
        self.real.__enter__()
        return self

    def __exit__(self, *exc):
        return self.real.__exit__(*exc)

    @property
    def name(self):
        return self.real.name

    def write(self, data):
        if self.written + len(data) > self.limit:
            self.real.write(data[: self.limit - self.written])
            self.real.flush()
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        self.written += len(data)
        return self.real.write(data)


@pytest.mark.parametrize("where", ["disk_full", "folder_is_a_file"])
def test_an_upload_the_server_cannot_write_is_refused_with_a_message_and_leaves_nothing(
    client, users, media_root, manggar_file, monkeypatch, where
):
    if where == "disk_full":
        real = tempfile.NamedTemporaryFile
        monkeypatch.setattr(
            "kampungkb.growth.importing.uploads.tempfile.NamedTemporaryFile",
            lambda **kw: _DiskFullAfter(real(**kw), limit=100),
        )
    else:  # a file where the imports folder should be
        media_root.mkdir(parents=True)
        (media_root / "imports").write_text("not a folder")
    client.force_login(users["kecamatan"])
    response = client.post(
        reverse("growth:import_upload"),
        {"file": SimpleUploadedFile(manggar_file.name, manggar_file.read_bytes())},
    )
    assert response.status_code == 503
    assert "Server tidak dapat menyimpan berkas" in response.content.decode()
    assert not Upload.objects.exists()
    if where == "disk_full":
        assert list(imports_dir().iterdir()) == []  # no half-written file for a preview


def test_a_purge_of_any_period_leaves_an_upload_being_written(users, media_root):
    folder = media_root / "imports"
    folder.mkdir(parents=True)
    writing, stale = folder / "tmpwriting.part", folder / "tmpstale.part"
    for path, minutes in ((writing, 30), (stale, 90)):
        path.write_bytes(b"x")
        then = (timezone.now() - datetime.timedelta(minutes=minutes)).timestamp()
        os.utime(path, (then, then))
    result = uploads_purge(days=0)
    assert result.files == [stale]
    assert _files(media_root) == {"tmpwriting.part"}
