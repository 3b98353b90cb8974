"""What `antq push keys|serve|notify` do, behind the thin typer layer in generator/cli.py.

Each returns an exit code: 0 done, 1 the run finished with failures, 2 a usage or
configuration mistake (explained in Vietnamese on stderr).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from pathlib import Path

from generator.data.messages_vi import say, text
from generator.push.vapid import (
    ENV_DB,
    ENV_ORIGIN,
    PushConfigError,
    generate_keys,
    load_private_key,
    load_subject,
)

Echo = Callable[[str], None]


def _err(line: str) -> None:
    print(line, file=sys.stderr)


def db_path(option: str | Path | None) -> str:
    """The store's location (a SQLite path or a database URL), checked: an unknown URL scheme
    is refused here, before anything is created."""
    from generator.push.db import locate

    value = option or os.environ.get(ENV_DB) or None
    if value is None:
        raise PushConfigError(say("push-db-unset", name=ENV_DB))
    locate(str(value))  # raises StoreError with the Vietnamese line
    return str(value)


def keys(out_dir: Path, force: bool, echo: Echo = print) -> int:
    try:
        path, public = generate_keys(out_dir, force=force)
    except PushConfigError as exc:
        _err(str(exc))
        return 2
    echo(text("push-keys-written", path=path))
    echo(text("push-keys-for-service"))
    echo(f"  export ANTQ_VAPID_PRIVATE_KEY_FILE={path}")
    echo(text("push-keys-for-site"))
    echo("  [push]")
    echo(text("push-keys-service-url"))
    echo(f'  vapid_public_key = "{public}"')
    return 0


def serve(
    *,
    host: str,
    port: int,
    db: str | Path | None,
    data_dir: Path,
    site_dir: Path,
    origin: str | None,
    forwarded_allow_ips: str | None,
) -> int:
    """Run the push service with the given options.

    Long because it turns each command-line option into the service config and reports each bad
    option before starting.
    """
    from generator.data.load import LoadError
    from generator.data.validate import validate_package
    from generator.errors import UsageError
    from generator.push.service import ServiceConfig, origin_of
    from generator.push.store import StoreError
    from generator.push.topics import load_model, vocabulary
    from generator.settings import SettingsError

    try:
        path = db_path(db)
        # The loader trusts validated data: data it cannot read is reported line by line
        # (as antq validate does), never a traceback.
        checked = validate_package(data_dir)
        if checked.errors:
            for found in checked.problems:
                if found.level == "error":
                    _err(found.line())
            _err(say("push-serve-data"))
            return 2
        model = load_model(data_dir, site_dir)
    except (PushConfigError, StoreError) as exc:
        _err(str(exc))
        return 2
    except SettingsError as exc:
        for line in exc.problems:
            _err(line)
        return 2
    except (UsageError, LoadError) as exc:
        # Their lines are whole catalogue lines already: printed as they are (wrapping them
        # in another line printed "lỗi: lỗi: …"), then what to do about them.
        for line in exc.lines:
            _err(line)
        _err(say("push-serve-data"))
        return 2
    site_origin = origin or os.environ.get(ENV_ORIGIN) or origin_of(model.settings.base_url)
    vocab = vocabulary(model)
    config = ServiceConfig(db_path=path, origin=site_origin, vocabulary=vocab)
    _err(
        text(
            "push-serve-listening",
            topics=len(vocab),
            origin=origin_of(site_origin),
            path=path,
            host=host,
            port=port,
        )
    )
    from generator.push.service import serve as run_server

    try:
        run_server(config, host=host, port=port, forwarded_allow_ips=forwarded_allow_ips)
    except StoreError as exc:
        _err(str(exc))
        return 2
    return 0


def notify(
    *,
    from_rev: str,
    to_rev: str,
    data_dir: Path,
    site_dir: Path,
    db: str | Path | None,
    dry_run: bool,
    concurrency: int,
    timeout: float,
    retry_wait: float,
    per_service: int = 16,
    worker: bool = False,
    echo: Echo = print,
) -> int:
    from generator.data.load import LoadError
    from generator.push.notify import NotifyError, NotifyOptions, run, summary, work
    from generator.push.store import StoreError
    from generator.settings import SettingsError

    try:
        options = NotifyOptions(
            data_dir=data_dir,
            site_dir=site_dir,
            db_path=db_path(db),
            from_rev=from_rev,
            to_rev=to_rev,
            dry_run=dry_run,
            concurrency=concurrency,
            timeout=timeout,
            retry_wait=retry_wait,
            per_service=per_service,
        )
        key = subject = None
        if not dry_run:  # a dry run signs nothing: it must work without the secret
            key, subject = load_private_key(), load_subject()
        if worker and key is not None and subject is not None:
            report = work(options, key=key, subject=subject, echo=echo)
            o = report.outcomes
            echo(
                text(
                    "push-worker-done",
                    sent=o["sent"],
                    gone=o["gone"] + o["refused"],
                    failed=o["failed"],
                )
            )
            return 1 if o["failed"] else 0
        report = run(options, key=key, subject=subject, echo=echo)
    except (PushConfigError, NotifyError, StoreError, LoadError) as exc:
        _err(str(exc))
        return 2
    except SettingsError as exc:
        for line in exc.problems:
            _err(line)
        return 2
    if not dry_run:
        for line in summary(report):
            echo(line)
    return 1 if report.outcomes["failed"] else 0


def migrate(db: str | Path | None, echo: Echo = print) -> int:
    """`antq push migrate`: bring the store's schema to this antq's version."""
    from generator.push.store import SCHEMA_VERSION, Store, StoreError

    try:
        store = Store(db_path(db), migrate=False)
    except (PushConfigError, StoreError) as exc:
        _err(str(exc))
        return 2
    try:
        before = store.migrate()
    except StoreError as exc:
        _err(str(exc))
        return 2
    finally:
        store.close()
    echo(text("push-migrated", db=store.shown(), before=before, after=SCHEMA_VERSION))
    return 0


def copy(source: str, target: str, merge: bool, echo: Echo = print) -> int:
    """`antq push copy --from A --to B`: every subscription and its topics, in batches; a
    running service may keep writing to A (run it again with --merge to catch up)."""
    from generator.push.store import Store, StoreError

    stores: list[Store] = []
    try:
        src = Store(db_path(source))
        stores.append(src)
        dst = Store(db_path(target))
        stores.append(dst)
        present = dst.count_subscriptions()
        if present and not merge:
            _err(say("push-copy-target-not-empty", count=present))
            return 2
        subs = topics = 0
        for batch in src.subscriptions():
            n, t = dst.add_subscriptions(batch)
            subs += sum(1 for r in batch if r[0] != "topic")
            topics += t
            del n
    except (PushConfigError, StoreError) as exc:
        _err(str(exc))
        return 2
    finally:
        for store in stores:
            store.close()
    shown = (stores[0].shown(), stores[1].shown())
    echo(text("push-copied", subscriptions=subs, topics=topics, source=shown[0], target=shown[1]))
    return 0


def status(db: str | Path | None, job: str | None, follow_run: bool, echo: Echo = print) -> int:
    """`antq push status [JOB]`: each run's deliveries by outcome, and paused services."""
    import time

    from generator.push.report import find_job, follow, status_lines
    from generator.push.store import Store, StoreError

    try:
        store = Store(db_path(db))
    except (PushConfigError, StoreError) as exc:
        _err(str(exc))
        return 2
    try:
        if job is None:
            runs = store.runs()
            if not runs:
                echo(text("push-job-none"))
                return 0
        else:
            found = find_job(store, job)
            if found is None:
                _err(say("push-job-unknown", job=job))
                return 2
            runs = [found]
            if follow_run:
                follow(store, found, echo)
                return 0
        for line in status_lines(store, runs, time.time()):
            echo(line)
        return 0
    finally:
        store.close()


def prune(db: str | Path | None, older_than: int, echo: Echo = print) -> int:
    """`antq push prune`: delete the deliveries of finished runs planned more than
    `older_than` days ago; each run keeps its counts (status still shows them)."""
    from datetime import UTC, datetime, timedelta

    from generator.push.store import Store, StoreError

    if older_than < 0:
        _err(say("push-prune-days", days=older_than))
        return 2
    try:
        store = Store(db_path(db))
    except (PushConfigError, StoreError) as exc:
        _err(str(exc))
        return 2
    cutoff = datetime.now(tz=UTC) - timedelta(days=older_than)
    try:
        runs, deliveries = store.prune(cutoff.strftime("%Y-%m-%dT%H:%M:%S.%fZ"))
    except StoreError as exc:
        _err(str(exc))
        return 2
    finally:
        store.close()
    echo(text("push-pruned", runs=runs, deliveries=deliveries, days=older_than))
    return 0
