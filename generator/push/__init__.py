"""Web push for followers of a xã, a province, a model or the lesson library (issues 6, 20).

service.py   the subscription service (Starlette under uvicorn): subscribe, unsubscribe
db.py        where the store lives: a SQLite path or a postgresql:// URL (others refused)
store.py     the store (versioned schema, one migration path for SQLite and PostgreSQL):
             subscriptions, runs, deliveries, claims (leases, per-service slots, pauses)
notify.py    after a deploy: plan a run and send it; `--worker`: send what any run has due
plan.py      data diff → topics → one payload per subscriber
worker.py    lanes that claim and send, retries, outcomes (many notifiers share the work)
send.py      encrypt, sign (VAPID, once per push service), POST over a kept-alive connection
loop.py      one event loop for every lane; a total deadline per request (its timer)
report.py    the summary, the dry run, the progress bar, `antq push status`
topics.py    the topic vocabulary and how a record change maps to topics and messages
endpoints.py which push endpoints and keys are acceptable (the SSRF guard)
vapid.py     VAPID keys and the environment the service and the notifier read
commands.py  what `antq push keys|serve|notify|migrate|copy|status` do
README.md    the deployer's guide (settings, environment variables, commands, figures)
"""
