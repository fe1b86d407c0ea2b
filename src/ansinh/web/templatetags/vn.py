from django import template

from ansinh.core.formatting import vn_billions, vn_count, vn_money, vn_number, vn_percent

register = template.Library()
register.filter("vn_number", vn_number)
register.filter("vn_money", vn_money)
register.filter("vn_billions", vn_billions)
register.filter("vn_count", vn_count)


@register.simple_tag
def percent(numerator, denominator, decimals=2):
    return vn_percent(numerator, denominator, decimals)
