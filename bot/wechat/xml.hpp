#pragma once
// The XML shapes of WeChat / WeCom callbacks: reading an incoming message (or its encrypted
// envelope) and writing passive replies. Built on pugixml, which never expands custom entities;
// on top of that any DOCTYPE is refused, as are NUL bytes, input over the size limit, and input
// whose elements nest too deep or are too many (checked before pugixml builds anything).
// Pure functions; safe from any thread.

#include "bot/wechat/expected.hpp"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace supplybot::bot::wechat {

// Upper bound for a callback body. Real messages are a few kilobytes (a 接龙 list for a whole
// building stays well under 32 KiB); anything far bigger is not from WeChat.
inline constexpr std::size_t kDefaultMaxBodyBytes = 256 * 1024;

// Everything supplybot reads from a callback XML, as text (absent elements are empty strings).
// Identifiers are trimmed; text is valid UTF-8 (broken sequences become U+FFFD).
struct InboundXml {
  std::string encrypt;         // <Encrypt>: present in safe / compatible mode
  // Official Account and WeCom app messages.
  std::string to_user_name;    // OA: the account's original id (gh_...); WeCom app: CorpID
  std::string from_user_name;  // OA: the follower's OpenID; WeCom app: member UserID
  std::string create_time;     // seconds, as text
  std::string msg_type;        // text, image, voice, video, location, link, event, mixed, ...
  std::string content;         // <Content>, or robot <Text><Content>, or the text parts of a
                               // robot "mixed" message joined by '\n'
  std::string msg_id;          // 64-bit for OA / WeCom app (may exceed 2^53), opaque for robots
  std::string agent_id;        // WeCom app id
  std::string event;           // <Event> text, or robot <Event><EventType>
  // WeCom group robot ("群机器人回调") messages.
  std::string chat_id;         // <ChatId>
  std::string chat_type;       // single, group, blackboard, blackboard_reply
  std::string from_user_id;    // <From><UserId>
  std::string from_name;       // <From><Name>
};

enum class XmlError {
  too_large,    // over the byte limit
  malformed,    // not well-formed, NUL bytes, or the root is not <xml>
  doctype,      // a DOCTYPE (and so possible entity declarations) is present
  too_complex,  // elements nested deeper than kMaxXmlDepth, or more than kMaxXmlNodes nodes
};

// Limits on the shape of a callback, far above any real one: a message nests four or five
// levels (a robot's <xml><MixedMessage><MsgItem><Text><Content>) and has a few dozen elements.
// pugixml 1.13 parses without recursion, so depth costs no stack; but each element or attribute
// is a node of its own, and a body of "<a>" repeated takes some twenty times its size in nodes.
inline constexpr std::size_t kMaxXmlDepth = 32;
inline constexpr std::size_t kMaxXmlNodes = 4096;  // pieces of markup and attributes together

// Whether xml keeps to kMaxXmlDepth and kMaxXmlNodes, in one pass that skips comments, CDATA
// sections, processing instructions and quoted attribute values. Returns too_complex over a
// limit, doctype at a DOCTYPE (refused anyway), nothing otherwise. Malformed input that it lets
// through is refused by the parser, which then cannot have built more than these limits allow.
std::optional<XmlError> check_xml_shape(std::string_view xml, std::size_t max_depth = kMaxXmlDepth,
                                        std::size_t max_nodes = kMaxXmlNodes);

std::string_view to_string(XmlError e);

Expected<InboundXml, XmlError> parse_inbound_xml(std::string_view xml,
                                                 std::size_t max_bytes = kDefaultMaxBodyBytes);

// Valid UTF-8 with only characters XML 1.0 allows: broken sequences become U+FFFD, control
// characters other than tab, CR and LF are dropped.
std::string sanitize_xml_text(std::string_view text);

// <![CDATA[...]]> holding `text` exactly: a "]]>" inside is split across two sections.
std::string cdata(std::string_view text);

// Passive text reply for Official Accounts and WeCom apps (plaintext form).
std::string build_text_reply(std::string_view to_user, std::string_view from_user,
                             std::int64_t create_time, std::string_view content);

// Passive text reply for a WeCom group robot; `mentioned` user ids are @-mentioned.
std::string build_robot_text_reply(std::string_view content,
                                   const std::vector<std::string>& mentioned);

// Safe-mode envelope around an encrypted reply.
std::string build_encrypted_envelope(std::string_view encrypt, std::string_view msg_signature,
                                     std::int64_t timestamp, std::string_view nonce);

}  // namespace supplybot::bot::wechat
