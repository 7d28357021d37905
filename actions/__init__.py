"""Custom actions of the shopping assistant (rasa-sdk action server).

One module per concern; shared state is loaded once per process by
`actions.runtime`. When the action server imports this package, loading starts
in the background so the first customer does not wait for the model.
"""
import os

if os.environ.get("SHOP_ACTIONS_WARM_UP") == "1":
    from actions.runtime import warm_up_in_background

    warm_up_in_background()
