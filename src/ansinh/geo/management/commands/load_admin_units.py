from django.core.management.base import BaseCommand

from ansinh.geo.loaders import admin_units_load


class Command(BaseCommand):
    help = "Nạp danh mục đơn vị hành chính (cả hệ 3 cấp cũ và hệ 2 cấp từ 1/7/2025) và bảng chuyển đổi."

    def handle(self, *args, **options):
        result = admin_units_load()
        self.stdout.write(f"Đơn vị hành chính: {result['units']}; chuyển đổi cũ→mới: {result['successions']}.")
