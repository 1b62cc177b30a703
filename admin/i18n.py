"""Vietnamese for the back office: WTForms' messages (WTForms ships none) and Flask-Admin fixes.

Flask-Admin's own Vietnamese catalog is used as is, except where it is wrong ("Record" rendered
as "Kỷ lục", i.e. a sports record): ADMIN_FIXES override those entries.
"""

from flask_admin import babel as admin_babel

WTFORMS_MESSAGES = {
    "This field is required.": "Trường này là bắt buộc.",
    "Invalid input.": "Giá trị không hợp lệ.",
    "Invalid email address.": "Địa chỉ thư điện tử không hợp lệ.",
    "Invalid URL.": "Địa chỉ URL không hợp lệ.",
    "Not a valid choice.": "Lựa chọn không hợp lệ.",
    "Invalid Choice: could not coerce.": "Lựa chọn không hợp lệ.",
    "Not a valid integer value.": "Cần nhập một số nguyên.",
    "Not a valid decimal value.": "Cần nhập một số.",
    "Not a valid float value.": "Cần nhập một số.",
    "Not a valid datetime value.": "Ngày giờ không hợp lệ (dạng dd/mm/yyyy HH:MM).",
    "Not a valid date value.": "Ngày không hợp lệ (dạng dd/mm/yyyy).",
    "Field must be equal to %(other_name)s.": "Giá trị phải trùng với trường %(other_name)s.",
    "Field must be between %(min)d and %(max)d characters long.":
        "Độ dài phải từ %(min)d đến %(max)d ký tự.",
    "Field must be at least %(min)d character long.": "Cần ít nhất %(min)d ký tự.",
    "Field must be at least %(min)d characters long.": "Cần ít nhất %(min)d ký tự.",
    "Field cannot be longer than %(max)d character.": "Không được dài quá %(max)d ký tự.",
    "Field cannot be longer than %(max)d characters.": "Không được dài quá %(max)d ký tự.",
    "Number must be at least %(min)s.": "Số phải lớn hơn hoặc bằng %(min)s.",
    "Number must be at most %(max)s.": "Số phải nhỏ hơn hoặc bằng %(max)s.",
    "Number must be between %(min)s and %(max)s.": "Số phải nằm trong khoảng %(min)s đến %(max)s.",
    "Invalid CSRF Token.": "Mã bảo vệ biểu mẫu không hợp lệ; vui lòng tải lại trang.",
    "CSRF token missing.": "Thiếu mã bảo vệ biểu mẫu; vui lòng tải lại trang.",
    "CSRF failed.": "Kiểm tra bảo vệ biểu mẫu thất bại; vui lòng tải lại trang.",
    "CSRF token expired.": "Mã bảo vệ biểu mẫu đã hết hạn; vui lòng tải lại trang.",
    "The CSRF token is missing.": "Thiếu mã bảo vệ biểu mẫu; vui lòng tải lại trang.",
    "The CSRF token is invalid.": "Mã bảo vệ biểu mẫu không hợp lệ; vui lòng tải lại trang.",
    "The CSRF token has expired.": "Mã bảo vệ biểu mẫu đã hết hạn; vui lòng tải lại trang.",
    "The CSRF session token is missing.": "Phiên làm việc đã hết hạn; vui lòng tải lại trang.",
    "Already exists.": "Giá trị này đã tồn tại.",
}

ADMIN_FIXES = {
    "Record was successfully created.": "Đã tạo bản ghi.",
    "Please select at least one record.": "Vui lòng chọn ít nhất một bản ghi.",
    "Record was successfully saved.": "Đã lưu bản ghi.",
    "Record was successfully deleted.": "Đã xóa bản ghi.",
    "Record does not exist.": "Bản ghi không tồn tại hoặc bạn không có quyền xem.",
    "items": "dòng mỗi trang",
    "Failed to create record.": "Không tạo được bản ghi.",
    "Failed to save record.": "Không lưu được bản ghi.",
    "Failed to create record. %(error)s": "Không tạo được bản ghi. %(error)s",
    "Failed to update record. %(error)s": "Không lưu được bản ghi. %(error)s",
    "Failed to delete record. %(error)s": "Không xóa được bản ghi. %(error)s",
}


class VietnameseTranslations:
    """The object WTForms asks for messages (form Meta.get_translations)."""

    def gettext(self, string):
        return WTFORMS_MESSAGES.get(string, string)

    def ngettext(self, singular, plural, n):
        return WTFORMS_MESSAGES.get(singular if n == 1 else plural, singular if n == 1 else plural)


TRANSLATIONS = VietnameseTranslations()


class _FixedCatalog:
    """Wraps Flask-Admin's catalog so that ADMIN_FIXES win over its entries."""

    def __init__(self, catalog):
        self._catalog = catalog

    def ugettext(self, string):
        return ADMIN_FIXES.get(string) or self._catalog.ugettext(string)

    gettext = ugettext

    def ungettext(self, singular, plural, n):
        fixed = ADMIN_FIXES.get(singular if n == 1 else plural)
        return fixed or self._catalog.ungettext(singular, plural, n)

    ngettext = ungettext

    def __getattr__(self, name):
        return getattr(self._catalog, name)


def install_admin_fixes():
    """Make Flask-Admin's translation domain consult ADMIN_FIXES first."""
    domain = admin_babel.domain
    if getattr(domain, "_board_fixed", False):
        return
    original = domain.get_translations

    def get_translations():
        return _FixedCatalog(original())

    domain.get_translations = get_translations
    domain._board_fixed = True
