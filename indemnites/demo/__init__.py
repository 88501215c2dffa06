"""The sandbox's fictitious data (`manage.py demo_charger`): on top of every app, since it fills them all."""
