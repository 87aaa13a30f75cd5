"""The authentication settings refuse what they cannot mean."""

import ipaddress

import pytest
from django.core.exceptions import ImproperlyConfigured

from villagedesk.accounts.checks import otp_required_roles_exist
from villagedesk.settings import networks


def test_an_unknown_role_requiring_a_second_factor_fails_the_checks(settings):
    settings.OTP_REQUIRED_ROLES = ["county_supervisor", "mayor"]
    errors = otp_required_roles_exist(None)
    assert [e.id for e in errors] == ["accounts.E001"]
    assert "mayor" in errors[0].msg


def test_known_roles_pass_the_checks(settings):
    settings.OTP_REQUIRED_ROLES = ["administrator", "county_supervisor", "township_supervisor"]
    assert otp_required_roles_exist(None) == []


def test_trusted_proxies_are_addresses_or_networks():
    assert networks(["10.0.0.2", "172.16.0.0/12"]) == [
        ipaddress.ip_network("10.0.0.2/32"),
        ipaddress.ip_network("172.16.0.0/12"),
    ]
    with pytest.raises(ImproperlyConfigured):
        networks(["proxy.example"])
