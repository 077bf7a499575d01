"""multipart/form-data in the JSON:API shape: the document flattened with bracket keys.

    data[type]=imports
    data[attributes][file]=@contacts.csv
    data[attributes][file_headers_mappings][first_name]=fname
    data[attributes][file_constants_mappings][status][0][id]=Partner - Pray
    data[attributes][file_constants_mappings][status][0][values][]=Praying

becomes the same dict the JSON:API parser gives for a JSON body.
"""

import re

from rest_framework.exceptions import ParseError, ValidationError
from rest_framework.parsers import DataAndFiles, MultiPartParser
from rest_framework_json_api.exceptions import Conflict
from rest_framework_json_api.parsers import JSONParser
from rest_framework_json_api.utils import get_resource_name

from config.negotiation import is_bodiless_action

_SEGMENT = re.compile(r"\[([^\[\]]*)\]")
_APPEND = object()


def split_bracket_key(key: str) -> list:
    """'data[attributes][tags][]' -> ['data', 'attributes', 'tags', APPEND]."""
    head, _, rest = key.partition("[")
    segments = [head]
    if rest:
        rest = "[" + rest
        matched = "".join(m.group(0) for m in _SEGMENT.finditer(rest))
        if matched != rest:
            raise ParseError(f"Malformed form field name: {key!r}")
        segments += [m.group(1) if m.group(1) != "" else _APPEND for m in _SEGMENT.finditer(rest)]
    return segments


def _insert(tree: dict, path: list, value) -> None:
    node = tree
    for index, segment in enumerate(path[:-1]):
        following = path[index + 1]
        default = [] if following is _APPEND else {}
        if isinstance(node, list):
            raise ParseError("Form field names mix list and object forms.")
        child = node.setdefault(segment, default)
        if not isinstance(child, (dict, list)):
            raise ParseError(f"Form field {segment!r} is given both as a value and as an object.")
        node = child
    last = path[-1]
    if last is _APPEND:
        if not isinstance(node, list):
            raise ParseError("Form field names mix list and object forms.")
        node.append(value)
    elif isinstance(node, list):
        raise ParseError("Form field names mix list and object forms.")
    else:
        node[last] = value


def _lists_from_indexes(node):
    """{'0': a, '1': b} -> [a, b], so indexed brackets give lists as in JSON."""
    if isinstance(node, dict):
        node = {key: _lists_from_indexes(value) for key, value in node.items()}
        if node and all(isinstance(key, str) and key.isdigit() for key in node):
            return [node[key] for key in sorted(node, key=int)]
        return node
    if isinstance(node, list):
        return [_lists_from_indexes(item) for item in node]
    return node


def unflatten(items) -> dict:
    tree: dict = {}
    for key, value in items:
        _insert(tree, split_bracket_key(key), value)
    return _lists_from_indexes(tree)


# Django refuses a multipart part whose headers pass 1,024 bytes (a security limit): in practice
# a file name of many hundreds of characters. Say so in words a person can act on.
LONG_PART_HEADERS_MESSAGE = (
    "The file name is too long: the upload's headers may hold at most 1,024 bytes. "
    "Rename the file to a shorter name (a few dozen characters is plenty) and upload it again."
)

NO_BOUNDARY_MESSAGE = (
    "The multipart/form-data body has no valid boundary. Let your HTTP client build the body "
    "(for example curl -F 'data[attributes][file]=@contacts.csv') instead of setting Content-Type by hand."
)
NOT_JSON_MESSAGE = (
    "The request body is not valid JSON ({detail}). Send a JSON:API document with "
    "Content-Type: application/vnd.api+json, or upload the file as multipart/form-data."
)


class JsonApiMultiPartParser(MultiPartParser):
    def parse(self, stream, media_type=None, parser_context=None):
        try:
            parsed = super().parse(stream, media_type, parser_context)
        except ParseError as error:
            if "max total header size" in str(error.detail):
                raise ValidationError({"file": [LONG_PART_HEADERS_MESSAGE]}) from None
            if "Invalid boundary" in str(error.detail):
                raise ParseError(NO_BOUNDARY_MESSAGE) from None
            raise
        items = [(key, value) for key in parsed.data for value in parsed.data.getlist(key)]
        items += [(key, value) for key in parsed.files for value in parsed.files.getlist(key)]
        tree = unflatten(items)
        document = tree.get("data") if isinstance(tree.get("data"), dict) else {}
        attributes = document.get("attributes") or {}
        if not isinstance(attributes, dict):
            raise ParseError("data[attributes] must hold attributes.")
        # Fields sent without the data[attributes] prefix count as attributes too.
        loose = {key: value for key, value in tree.items() if key != "data"}
        result = {**loose, **attributes}
        self._check_type_and_id(document, parser_context or {})
        if "id" in document:
            result["id"] = document["id"]
        return DataAndFiles(result, {})

    @staticmethod
    def _check_type_and_id(document: dict, parser_context: dict) -> None:
        resource_type = document.get("type")
        expected = get_resource_name(parser_context)
        if resource_type and isinstance(expected, str) and resource_type != expected:
            raise Conflict(
                f"The resource object's type ({resource_type}) is not the type of this endpoint ({expected})."
            )
        view = parser_context.get("view")
        url_id = getattr(view, "kwargs", {}).get("pk") if view else None
        if url_id and document.get("id") and str(document["id"]) != str(url_id):
            raise Conflict(f"The resource object's id ({document['id']}) does not match the URL's id ({url_id}).")


class JsonApiJSONParser(JSONParser):
    """djangorestframework-jsonapi's parser, refusing a malformed resource object with a 400.

    Its own parser assumes that `attributes` and `relationships` are objects and
    fails with a server error when they are not.
    """

    def parse(self, stream, media_type=None, parser_context=None):
        try:
            return super().parse(stream, media_type, parser_context)
        except ParseError as error:
            detail = str(error.detail)
            if detail.startswith("JSON parse error - "):
                raise ParseError(NOT_JSON_MESSAGE.format(detail=detail.removeprefix("JSON parse error - "))) from None
            raise

    def parse_data(self, result, parser_context):
        data = result.get("data") if isinstance(result, dict) else None
        if isinstance(data, dict):
            attributes = data.get("attributes")
            if attributes is not None and not isinstance(attributes, dict):
                raise ParseError("data.attributes must be an object: attribute name -> value.")
            relationships = data.get("relationships")
            if relationships is not None and (
                not isinstance(relationships, dict)
                or not all(isinstance(value, dict) for value in relationships.values())
            ):
                raise ParseError('data.relationships must be an object: name -> {"data": ...}.')
            if "type" in data and not isinstance(data["type"], str):
                raise ParseError("data.type must be a string.")
            if "type" not in data and not is_bodiless_action(parser_context.get("view")):
                # A resource object without its type is malformed (400); the library took it for another
                # type than the endpoint's (409).
                raise ParseError('data.type is required: the type of the resource, such as "imports".')
        return super().parse_data(result, parser_context)
