from django import template

from accounts.admin_access import access_help

register = template.Library()


@register.inclusion_tag("admin/includes/who_to_ask.html", takes_context=True)
def who_to_ask(context):
    return {**access_help(), "user": context.get("user")}
