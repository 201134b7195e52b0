#include "bot/wechat/xml.hpp"

#include <pugixml.hpp>

namespace supplybot::bot::wechat {

namespace {

// Appends the code point, or U+FFFD when it is not a character XML 1.0 allows. Control
// characters other than tab, LF and CR are dropped outright: they carry no meaning in a chat.
void append_code_point(std::string& out, std::uint32_t cp) {
  bool control = cp < 0x20 && cp != 0x09 && cp != 0x0a && cp != 0x0d;
  if (control) return;
  bool invalid = (cp >= 0xd800 && cp <= 0xdfff) || cp == 0xfffe || cp == 0xffff || cp > 0x10ffff;
  if (invalid) cp = 0xfffd;
  if (cp < 0x80) {
    out.push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out.push_back(static_cast<char>(0xc0 | (cp >> 6)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3f)));
  } else if (cp < 0x10000) {
    out.push_back(static_cast<char>(0xe0 | (cp >> 12)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3f)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3f)));
  } else {
    out.push_back(static_cast<char>(0xf0 | (cp >> 18)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3f)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3f)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3f)));
  }
}

std::string_view trim(std::string_view s) {
  constexpr std::string_view ws = " \t\r\n";
  auto b = s.find_first_not_of(ws);
  if (b == std::string_view::npos) return {};
  auto e = s.find_last_not_of(ws);
  return s.substr(b, e - b + 1);
}

// All character data directly inside the element (PCDATA and CDATA pieces in order); pugixml's
// child_value() would return only the first piece.
std::string element_text(const pugi::xml_node& node) {
  std::string out;
  for (pugi::xml_node c = node.first_child(); c; c = c.next_sibling()) {
    if (c.type() == pugi::node_pcdata || c.type() == pugi::node_cdata) out += c.value();
  }
  return sanitize_xml_text(out);
}

std::string field(const pugi::xml_node& parent, const char* name) {
  return std::string(trim(element_text(parent.child(name))));
}

}  // namespace

std::string_view to_string(XmlError e) {
  switch (e) {
    case XmlError::too_large: return "too_large";
    case XmlError::malformed: return "malformed";
    case XmlError::doctype: return "doctype";
    case XmlError::too_complex: return "too_complex";
  }
  return "unknown";
}

std::optional<XmlError> check_xml_shape(std::string_view xml, std::size_t max_depth, std::size_t max_nodes) {
  std::size_t depth = 0;
  std::size_t nodes = 0;
  std::size_t i = 0;
  const std::size_t n = xml.size();
  // Moves i past the next `end`; false when there is none (the parser refuses the input there).
  auto skip_past = [&](std::string_view end) {
    auto at = xml.find(end, i);
    if (at == std::string_view::npos) return false;
    i = at + end.size();
    return true;
  };
  // Every piece of markup counts, not only elements: a CDATA section is a node of its own, and
  // any markup (a comment, say) ends a run of text, so the next text is a node too.
  while ((i = xml.find('<', i)) != std::string_view::npos) {
    if (++nodes > max_nodes) return XmlError::too_complex;
    std::string_view rest = xml.substr(i);
    if (rest.starts_with("<![CDATA[")) {
      if (!skip_past("]]>")) break;
    } else if (rest.starts_with("<!--")) {
      if (!skip_past("-->")) break;
    } else if (rest.starts_with("<?")) {
      if (!skip_past("?>")) break;
    } else if (rest.starts_with("<!")) {
      return XmlError::doctype;  // nothing else may start with "<!" (DOCTYPE, or malformed)
    } else if (rest.starts_with("</")) {
      if (depth > 0) --depth;
      if (!skip_past(">")) break;
    } else {
      // A start tag: its attributes up to '>', quoted values skipped ('>' is allowed in them).
      char quote = 0;
      char last = 0;
      for (++i; i < n; ++i) {
        char c = xml[i];
        if (quote) {
          if (c == quote) quote = 0;
          continue;
        }
        if (c == '>') break;
        if (c == '"' || c == '\'') quote = c;
        else if (c == '=' && ++nodes > max_nodes) return XmlError::too_complex;
        if (c != ' ' && c != '\t' && c != '\r' && c != '\n') last = c;
      }
      if (i >= n) break;
      ++i;
      if (last != '/' && ++depth > max_depth) return XmlError::too_complex;
    }
  }
  return std::nullopt;
}

std::string sanitize_xml_text(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  std::size_t i = 0;
  const std::size_t n = text.size();
  auto byte = [&](std::size_t k) { return static_cast<std::uint32_t>(static_cast<unsigned char>(text[k])); };
  while (i < n) {
    std::uint32_t b0 = byte(i);
    if (b0 < 0x80) {
      append_code_point(out, b0);
      ++i;
      continue;
    }
    std::size_t len = 0;
    std::uint32_t cp = 0;
    std::uint32_t min = 0;
    if ((b0 & 0xe0) == 0xc0) { len = 2; cp = b0 & 0x1f; min = 0x80; }
    else if ((b0 & 0xf0) == 0xe0) { len = 3; cp = b0 & 0x0f; min = 0x800; }
    else if ((b0 & 0xf8) == 0xf0) { len = 4; cp = b0 & 0x07; min = 0x10000; }
    bool ok = len != 0 && i + len <= n;
    for (std::size_t k = 1; ok && k < len; ++k) {
      std::uint32_t b = byte(i + k);
      ok = (b & 0xc0) == 0x80;
      cp = (cp << 6) | (b & 0x3f);
    }
    ok = ok && cp >= min;  // overlong forms are invalid
    if (ok) {
      append_code_point(out, cp);
      i += len;
    } else {
      append_code_point(out, 0xfffd);
      ++i;  // resynchronise on the next byte
    }
  }
  return out;
}

Expected<InboundXml, XmlError> parse_inbound_xml(std::string_view xml, std::size_t max_bytes) {
  if (xml.size() > max_bytes) return unexpected(XmlError::too_large);
  if (xml.find('\0') != std::string_view::npos) return unexpected(XmlError::malformed);
  if (auto shape = check_xml_shape(xml)) return unexpected(*shape);

  pugi::xml_document doc;
  // parse_doctype keeps the declaration as a node so we can see it and refuse; pugixml never
  // expands entities it did not define itself, so even an unrefused one could not explode.
  const unsigned flags = pugi::parse_default | pugi::parse_doctype;
  pugi::xml_parse_result r = doc.load_buffer(xml.data(), xml.size(), flags, pugi::encoding_utf8);
  if (!r) return unexpected(XmlError::malformed);
  for (pugi::xml_node c = doc.first_child(); c; c = c.next_sibling()) {
    if (c.type() == pugi::node_doctype) return unexpected(XmlError::doctype);
  }
  pugi::xml_node root = doc.document_element();
  if (!root || std::string_view(root.name()) != "xml") return unexpected(XmlError::malformed);

  InboundXml m;
  m.encrypt = field(root, "Encrypt");
  m.to_user_name = field(root, "ToUserName");
  m.from_user_name = field(root, "FromUserName");
  m.create_time = field(root, "CreateTime");
  m.msg_type = field(root, "MsgType");
  m.msg_id = field(root, "MsgId");
  m.agent_id = field(root, "AgentID");
  m.chat_id = field(root, "ChatId");
  m.chat_type = field(root, "ChatType");

  pugi::xml_node event = root.child("Event");
  m.event = event.child("EventType") ? field(event, "EventType") : field(root, "Event");

  pugi::xml_node from = root.child("From");
  m.from_user_id = field(from, "UserId");
  m.from_name = field(from, "Name");

  if (pugi::xml_node content = root.child("Content")) {
    m.content = element_text(content);
  } else if (pugi::xml_node text = root.child("Text")) {
    m.content = element_text(text.child("Content"));
  } else if (pugi::xml_node mixed = root.child("MixedMessage")) {
    // A robot "mixed" message interleaves text and pictures; the text parts are the order.
    for (pugi::xml_node item = mixed.child("MsgItem"); item; item = item.next_sibling("MsgItem")) {
      if (field(item, "MsgType") != "text") continue;
      if (!m.content.empty()) m.content.push_back('\n');
      m.content += element_text(item.child("Text").child("Content"));
    }
  }
  return m;
}

std::string cdata(std::string_view text) {
  std::string out = "<![CDATA[";
  out.reserve(text.size() + 12);
  std::size_t pos = 0;
  while (true) {
    std::size_t hit = text.find("]]>", pos);
    if (hit == std::string_view::npos) break;
    // "]]>" becomes "]]" + "]]><![CDATA[" + ">": the first section ends after "]]", the next
    // one starts with ">".
    out.append(text.substr(pos, hit + 2 - pos));
    out.append("]]><![CDATA[");
    pos = hit + 2;
  }
  out.append(text.substr(pos));
  out.append("]]>");
  return out;
}

std::string build_text_reply(std::string_view to_user, std::string_view from_user,
                             std::int64_t create_time, std::string_view content) {
  std::string out = "<xml><ToUserName>";
  out += cdata(sanitize_xml_text(to_user));
  out += "</ToUserName><FromUserName>";
  out += cdata(sanitize_xml_text(from_user));
  out += "</FromUserName><CreateTime>";
  out += std::to_string(create_time);
  out += "</CreateTime><MsgType><![CDATA[text]]></MsgType><Content>";
  out += cdata(sanitize_xml_text(content));
  out += "</Content></xml>";
  return out;
}

std::string build_robot_text_reply(std::string_view content,
                                   const std::vector<std::string>& mentioned) {
  std::string out = "<xml><MsgType>text</MsgType><Text><Content>";
  out += cdata(sanitize_xml_text(content));
  out += "</Content>";
  if (!mentioned.empty()) {
    out += "<MentionedList>";
    for (const auto& id : mentioned) {
      out += "<Item>";
      out += cdata(sanitize_xml_text(id));
      out += "</Item>";
    }
    out += "</MentionedList>";
  }
  out += "</Text></xml>";
  return out;
}

std::string build_encrypted_envelope(std::string_view encrypt, std::string_view msg_signature,
                                     std::int64_t timestamp, std::string_view nonce) {
  std::string out = "<xml><Encrypt>";
  out += cdata(encrypt);
  out += "</Encrypt><MsgSignature>";
  out += cdata(msg_signature);
  out += "</MsgSignature><TimeStamp>";
  out += std::to_string(timestamp);
  out += "</TimeStamp><Nonce>";
  out += cdata(nonce);
  out += "</Nonce></xml>";
  return out;
}

}  // namespace supplybot::bot::wechat
