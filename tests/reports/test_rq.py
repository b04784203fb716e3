"""RQ mode: requests while a job is queued or running add no job; a worker runs it."""

from __future__ import annotations

import shutil
import socket
import subprocess
import time

import pytest
import sqlalchemy as sa

from consult import jobs
from consult.reports.models import AnalysisSnapshot


@pytest.fixture
def redis_url():
    server = shutil.which("redis-server")
    if server is None:
        pytest.skip("redis-server is not installed: the RQ path is not tested")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    process = subprocess.Popen(
        [server, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
    )
    from redis import Redis

    url = f"redis://127.0.0.1:{port}/0"
    for _ in range(100):
        try:
            Redis.from_url(url).ping()
            break
        except Exception:  # noqa: BLE001 - not up yet
            time.sleep(0.05)
    yield url
    process.terminate()
    process.wait(timeout=10)


def test_rq_jobs_are_debounced_and_run_by_a_worker(app, db, voted, redis_url, monkeypatch):
    from redis import Redis
    from rq import Queue, SimpleWorker

    app.config.update(ANALYSIS_MODE="rq", REDIS_URL=redis_url, ANALYSIS_DEBOUNCE_SECONDS=0)
    monkeypatch.setattr("consult.app.create_app", lambda *a, **k: app)
    cid = voted.consultation.id
    for _ in range(3):
        jobs.request_analysis(cid)
    redis = Redis.from_url(redis_url)
    queue = Queue(jobs.QUEUE, connection=redis)
    assert queue.count == 1
    SimpleWorker([queue], connection=redis).work(burst=True)
    db.session.commit()
    count = db.session.scalar(
        sa.select(sa.func.count())
        .select_from(AnalysisSnapshot)
        .where(AnalysisSnapshot.consultation_id == cid)
    )
    assert count == 1
    jobs.request_analysis(cid)  # the lock was released: a new request queues a new job
    assert queue.count == 1


def test_worker_needs_redis(runner):
    result = runner.invoke(args=["worker", "--burst"])
    assert result.exit_code != 0 and "REDIS_URL" in result.output


def test_a_published_reports_pdf_is_an_rq_job(
    app, db, voted, make_user, redis_url, monkeypatch, pdf_rendering
):
    from redis import Redis
    from rq import Queue, SimpleWorker

    from consult.auth.services import grant_role
    from consult.consultations.models import Role
    from consult.reports import pdf_jobs, snapshots
    from consult.reports.models import PdfState
    from consult.reports.publishing import publish_report

    snapshots.run_analysis(voted.consultation.id)
    app.config.update(ANALYSIS_MODE="rq", REDIS_URL=redis_url)
    monkeypatch.setattr("consult.app.create_app", lambda *a, **k: app)
    organiser = make_user("organiser@example.org")
    grant_role(organiser, voted.consultation, Role.ORGANISER)
    with app.test_request_context():
        report = publish_report(organiser, voted.consultation, "Queued", "")
    queue = Queue(jobs.QUEUE, connection=Redis.from_url(redis_url))
    assert [job.func_name for job in queue.jobs] == [pdf_jobs.RQ_JOB]
    assert queue.jobs[0].args == (report.id, report.pdf_language)
    assert pdf_jobs.pdf_of(report.id, report.pdf_language).state is PdfState.PENDING
    SimpleWorker([queue], connection=queue.connection).work(burst=True)
    db.session.commit()
    stored = pdf_jobs.pdf_of(report.id, report.pdf_language)
    assert stored.state is PdfState.READY and stored.pdf.startswith(b"%PDF")
