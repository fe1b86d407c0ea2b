"""Reads of the payments app, scoped by area; a payment agent sees only its own batches."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from ansinh.accounts.models import Role, User
from ansinh.accounts.permissions import scope_to_area
from ansinh.payments.models import PaymentBatch
from ansinh.programmes.permissions import READERS


def batches_for_user(*, user: User, programme_id: int | None = None) -> QuerySet[PaymentBatch]:
    qs = PaymentBatch.objects.select_related("beneficiary_list__group", "commune", "agent", "programme")
    if programme_id:
        qs = qs.filter(programme_id=programme_id)
    if not user.is_authenticated:
        return qs.none()
    if user.role == Role.PAYMENT_AGENT:
        return qs.filter(agent=user)
    if user.role not in READERS:
        return qs.none()
    return scope_to_area(qs, user)


def batch_visible(user: User, batch: PaymentBatch) -> bool:
    return batches_for_user(user=user).filter(pk=batch.pk).exists()


def batch_get(*, user: User, pk: int) -> PaymentBatch:
    batch = batches_for_user(user=user).filter(pk=pk).first()
    if batch is None:
        raise Http404("Không tìm thấy đợt chi trả.")
    return batch
