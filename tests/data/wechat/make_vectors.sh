#!/usr/bin/env bash
# Builds the WeChat AES known-answer vectors with nothing but the openssl CLI, independently of
# the C++ code under test. Run from anywhere; writes next to this script. Re-running must give
# byte-identical files (the random prefix is fixed).
#
# Layout of each vector <name>: <name>.msg is the message (UTF-8), <name>.b64 the Encrypt value
# for key KEY_B64, receive id APP_ID and random prefix RANDOM_HEX.
set -euo pipefail
cd "$(dirname "$0")"

ENCODING_AES_KEY='abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG'  # 43rd char carries non-zero bits
APP_ID='wxb11529c136998cb6'
RANDOM_HEX='000102030405060708090a0b0c0d0e0f'

# Lenient decode: GNU base64 ignores the dropped trailing bits.
KEY_HEX=$(printf '%s=' "$ENCODING_AES_KEY" | base64 -d | od -An -tx1 -v | tr -d ' \n')
IV_HEX=${KEY_HEX:0:32}

encrypt() {  # $1 = message file, $2 = receive id -> base64 on stdout
  local msg=$1 id=$2 len hexlen total pad tmp
  tmp=$(mktemp)
  len=$(wc -c <"$msg")
  hexlen=$(printf '%08x' "$len")
  {
    printf '%s' "$RANDOM_HEX" | xxd -r -p
    printf '%s' "$hexlen" | xxd -r -p
    cat "$msg"
    printf '%s' "$id"
  } >"$tmp"
  total=$(wc -c <"$tmp")
  pad=$((32 - total % 32))
  for ((i = 0; i < pad; i++)); do printf "\\x$(printf '%02x' "$pad")"; done >>"$tmp"
  openssl enc -aes-256-cbc -K "$KEY_HEX" -iv "$IV_HEX" -nopad -in "$tmp" | base64 -w0
  rm -f "$tmp"
}

# 1. Chinese order text inside a full WeChat text message.
printf '%s' '<xml><ToUserName><![CDATA[gh_7f083739789a]]></ToUserName><FromUserName><![CDATA[oia2TjjewbmiOUlr6X-1crbLOvLw]]></FromUserName><CreateTime>1669600000</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[3栋2单元502 白菜2斤 鸡蛋一盒]]></Content><MsgId>7172351234567890001</MsgId></xml>' >chinese.msg
encrypt chinese.msg "$APP_ID" >chinese.b64

# 2. A multi-kilobyte 接龙 list (about 6 KB) so several CBC blocks chain.
{
  printf '%s' '<xml><ToUserName><![CDATA[gh_7f083739789a]]></ToUserName><FromUserName><![CDATA[oia2TjjewbmiOUlr6X-1crbLOvLw]]></FromUserName><CreateTime>1669600001</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[#接龙 今日团购'
  for i in $(seq 1 150); do printf '\n%d. %d栋%d单元%d 白菜2斤 鸡蛋一盒' "$i" $((i % 12 + 1)) $((i % 3 + 1)) $((100 + i)); done
  printf '%s' ']]></Content><MsgId>7172351234567890002</MsgId></xml>'
} >large.msg
encrypt large.msg "$APP_ID" >large.b64

# 3. A plaintext that is already a multiple of 32 bytes (16 + 4 + 58 + 18 = 96) gets a whole
#    block of padding: 32 bytes of 0x20.
printf '%s' 'aligned message for a whole pad block.....0123456789abcdef' >aligned.msg
encrypt aligned.msg "$APP_ID" >aligned.b64

# 4. The same Chinese message sealed for another AppID (must be rejected as wrong_app_id).
encrypt chinese.msg 'wx0000000000000000' >wrong_app_id.b64

# 5. An empty receive id, as WeCom group robots use.
printf '%s' 'robot' >robot.msg
encrypt robot.msg '' >robot.b64

# 6. Bad padding: a valid block structure whose last byte is 0x21 (33 > 32).
printf '%s' "$RANDOM_HEX" | xxd -r -p >bad_padding.bin
for i in $(seq 1 16); do printf '\x21'; done >>bad_padding.bin
openssl enc -aes-256-cbc -K "$KEY_HEX" -iv "$IV_HEX" -nopad -in bad_padding.bin | base64 -w0 >bad_padding.b64
rm -f bad_padding.bin

# 7. Inner length larger than the message: header claims 0x00010000 bytes.
{
  printf '%s' "$RANDOM_HEX" | xxd -r -p
  printf '\x00\x01\x00\x00'
  printf '%s' 'short'
  for i in $(seq 1 7); do printf '\x07'; done
} >bad_inner.bin
openssl enc -aes-256-cbc -K "$KEY_HEX" -iv "$IV_HEX" -nopad -in bad_inner.bin | base64 -w0 >bad_inner_length.b64
rm -f bad_inner.bin
