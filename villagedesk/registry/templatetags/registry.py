from django import template

from villagedesk.core.masking import mask_id_number, mask_phone

register = template.Library()


@register.filter
def masked_id(value):
    return mask_id_number(value or "")


@register.filter
def masked_phone(value):
    return mask_phone(value or "")
