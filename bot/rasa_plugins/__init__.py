"""Code loaded by the Rasa server itself (Python 3.10 environment).

Rasa imports this package through endpoints.yml (the tracker store class), so
the patches in remote_action.py and store_failures.py are installed in every
Rasa server process.
"""
from bot.rasa_plugins.remote_action import install as _install_remote_action
from bot.rasa_plugins.store_failures import install as _install_store_failures

_install_remote_action()
_install_store_failures()
