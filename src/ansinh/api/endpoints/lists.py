"""A list submitted by another system (Mẫu 01–04 of a programme's group, one commune): the list-upload kind of the
programmes app through the shared import lifecycle, exactly as the upload page."""

from __future__ import annotations

from django.http import Http404
from ninja import File, Form, Router, Status, UploadedFile

from ansinh.accounts.permissions import area_current_communes
from ansinh.api import records, schemas
from ansinh.api.endpoints import imports
from ansinh.api.endpoints.common import ERRORS, account
from ansinh.api.errors import ApiError
from ansinh.programmes.imports import LIST_UPLOAD_KIND
from ansinh.programmes.models import ListSource
from ansinh.programmes.selectors import list_upload_get, programmes_for_user

router = Router(tags=["Danh sách đối tượng gửi từ hệ thống khác"])


@router.post("/uploads", response={201: schemas.ImportStatusOut, **ERRORS}, operation_id="list_upload_create",
             summary="Gửi một tệp danh sách (Mẫu 01–04) của một xã/phường")
def list_upload_create(request, form: Form[schemas.ListUploadIn], file: File[UploadedFile]):
    """Tệp gửi dạng ``multipart/form-data``: ``programme`` (mã chương trình), ``group`` (nhóm), ``commune_code``
    (mã xã/phường hiện nay), ``file`` (.xlsx, .xls, .csv). Tệp được kiểm tra ngay (tệp lớn kiểm tra nền: hỏi lại
    ``GET /lists/uploads/{id}``); chưa ghi gì cho đến khi gọi ``commit``."""
    _refuse_unknown_fields(request)
    user = account(request)
    programme = programmes_for_user(user=user).filter(code=form.programme).first()
    if programme is None:
        raise Http404
    group = programme.groups.filter(code=form.group, source=ListSource.EXCEL).first()
    commune = area_current_communes(user).filter(code=form.commune_code).first()
    if group is None or commune is None:
        raise Http404
    status = imports.receive(kind=LIST_UPLOAD_KIND, actor=user, file=file, file_name=file.name or "danh-sach",
                             target={"programme": programme, "group": group, "commune": commune})
    return Status(201, status)


FORM_FIELDS, FILE_FIELDS = set(schemas.ListUploadIn.model_fields), {"file"}


def _refuse_unknown_fields(request) -> None:
    """A form field or a file the endpoint does not know is refused, as an unknown JSON field is."""
    unknown = sorted((set(request.POST) - FORM_FIELDS) | (set(request.FILES) - FILE_FIELDS))
    if unknown:
        raise ApiError(422, "invalid_request", details=[
            {"field": name[:60], "code": "extra_forbidden", "message": "trường không được phép"} for name in unknown[:20]],
            message="Yêu cầu có trường không được phép.")


@router.get("/uploads/{int:upload_id}", response={200: schemas.ImportStatusOut, **ERRORS},
            operation_id="list_upload_read", summary="Tình trạng kiểm tra, ghi của tệp danh sách")
def list_upload_read(request, upload_id: int):
    return records.import_status(list_upload_get(user=account(request), pk=upload_id))


@router.post("/uploads/{int:upload_id}/commit", response={200: schemas.ImportStatusOut, **ERRORS},
             operation_id="list_upload_commit", summary="Ghi tệp đã kiểm tra vào danh sách (chỉ hệ thống đã gửi tệp)")
def list_upload_commit(request, upload_id: int, payload: schemas.CommitIn):
    user = account(request)
    record = list_upload_get(user=user, pk=upload_id)
    return imports.commit(actor=user, record=record, valid_only=payload.valid_only,
                          confirm_warnings=payload.confirm_warnings)


@router.post("/uploads/{int:upload_id}/cancel", response={200: schemas.ImportStatusOut, **ERRORS},
             operation_id="list_upload_cancel", summary="Huỷ tệp chưa ghi")
def list_upload_cancel(request, upload_id: int):
    user = account(request)
    return imports.cancel(actor=user, record=list_upload_get(user=user, pk=upload_id))
