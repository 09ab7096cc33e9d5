"""Mail: messages written to an outbox in the transaction of the action that
causes them (`outbox.post`), delivered by a worker (`flask mail work`)."""
