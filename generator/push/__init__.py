"""Web push for followers of a xã, a province, a model or the lesson library (issue 6).

service.py   the subscription service (Starlette under uvicorn): subscribe, unsubscribe
store.py     its SQLite store (WAL, versioned schema), shared with the notifier
notify.py    after a deploy: data diff → topics → one notification per subscriber
topics.py    the topic vocabulary and how a record change maps to topics and messages
endpoints.py which push endpoints and keys are acceptable (the SSRF guard)
vapid.py     VAPID keys and the environment the service and the notifier read
README.md    the deployer's guide (settings, environment variables, commands)
"""
