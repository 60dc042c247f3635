"""Two requests of one session, interleaved, each show their own flash message.

Construction: two test clients hold the same session cookie, like two tabs of one browser. Each posts to a view that
reads the session (as authentication does at the start of every real view), queues its message ("saved A" / "saved
B") and then waits at a barrier until the other request has done the same, so both have read the session before
either has written anything. That is the interleaving in which messages kept in the session were lost: the second
request to finish saved its copy of the session over the first one's. Only when both have answered does each tab
follow its own redirect, with the cookies of its own response (a browser follows a redirect as soon as it arrives),
and each must see its own message.
"""

import threading

import pytest
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect
from django.test import Client
from django.urls import path

both_have_read_the_session = threading.Barrier(2, timeout=10)


def save_view(request, tab):
    request.session.get("started")
    messages.success(request, f"saved {tab}")
    both_have_read_the_session.wait()
    return redirect("shown")


def start_view(request):
    request.session["started"] = True
    return HttpResponse()


def shown_view(request):
    return HttpResponse(" | ".join(str(message) for message in messages.get_messages(request)))


urlpatterns = [
    path("start/", start_view),
    path("save/<str:tab>/", save_view),
    path("shown/", shown_view, name="shown"),
]


@pytest.mark.urls(__name__)
def test_two_interleaved_requests_of_one_session_each_show_their_own_message(settings):
    # A session store without the test database, which the two threads could not share.
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.cache"
    tab_a, tab_b = Client(), Client()
    tab_a.get("/start/")
    tab_b.cookies[settings.SESSION_COOKIE_NAME] = tab_a.cookies[settings.SESSION_COOKIE_NAME].value
    tabs = {"A": tab_a, "B": tab_b}
    redirects = {}

    def save(tab):
        redirects[tab] = tabs[tab].post(f"/save/{tab}/")["Location"]

    threads = [threading.Thread(target=save, args=(tab,)) for tab in tabs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=20)

    shown = {tab: client.get(redirects[tab]).content.decode() for tab, client in tabs.items()}
    assert shown == {"A": "saved A", "B": "saved B"}
