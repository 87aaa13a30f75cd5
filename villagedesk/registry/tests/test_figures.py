import time

from villagedesk.registry import figures


def test_kept_figures_expire_after_a_day_instead_of_staying_for_ever(monkeypatch):
    """Figures of a generation no write will bring back are never read again: they leave the
    cache after KEPT_SECONDS rather than fill a shared one."""
    computed = []

    def compute():
        computed.append(len(computed) + 1)
        return {"count": computed[-1]}

    clock = [time.time()]
    monkeypatch.setattr(time, "time", lambda: clock[0])
    assert figures.cached("figures-test", compute) == {"count": 1}
    clock[0] += figures.KEPT_SECONDS - 1
    assert figures.cached("figures-test", compute) == {"count": 1}
    clock[0] += 2
    assert figures.cached("figures-test", compute) == {"count": 2}
