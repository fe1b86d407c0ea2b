"""The payment part of a list's page (the list belongs to programmes; its batches belong here)."""

from __future__ import annotations

from django import template

from ansinh.payments.selectors import agents_for, batches_for_user
from ansinh.programmes.models import ListStatus

register = template.Library()


@register.inclusion_tag("payments/_list_payment_form.html", takes_context=True)
def list_payment_form(context, beneficiary_list):
    user = context["request"].user
    agents = []
    if beneficiary_list.status == ListStatus.POSTED and not batches_for_user(
            user=user, list_id=beneficiary_list.pk).exists():
        agents = agents_for(user=user, commune_id=beneficiary_list.commune_id)
    return {"bl": beneficiary_list, "agents": agents, "csrf_token": context.get("csrf_token")}


@register.inclusion_tag("payments/_list_payment_batches.html", takes_context=True)
def list_payment_batches(context, beneficiary_list):
    return {"batches": batches_for_user(user=context["request"].user, list_id=beneficiary_list.pk)}
