// Stable names of the error ids (result.hpp). A switch without default: the
// compiler refuses two ids with one number and warns of an id without a name.
#include "comments/result.hpp"

namespace comments {

std::string_view name(ErrorId id) noexcept {
  switch (id) {
    case ErrorId::message_not_json: return "comments.parse.101";
    case ErrorId::message_not_object: return "comments.parse.102";
    case ErrorId::type_missing: return "comments.parse.103";
    case ErrorId::type_unknown: return "comments.parse.104";
    case ErrorId::req_invalid: return "comments.parse.105";
    case ErrorId::nesting_too_deep: return "comments.parse.106";
    case ErrorId::field_missing: return "comments.parse.107";
    case ErrorId::field_mistyped: return "comments.parse.108";
    case ErrorId::choice_unknown: return "comments.parse.109";
    case ErrorId::number_out_of_range: return "comments.parse.110";
    case ErrorId::binary_frame: return "comments.parse.111";
    case ErrorId::thread_key_invalid: return "comments.comment.201";
    case ErrorId::author_too_long: return "comments.comment.202";
    case ErrorId::author_control_chars: return "comments.comment.203";
    case ErrorId::body_empty: return "comments.comment.204";
    case ErrorId::body_too_long: return "comments.comment.205";
    case ErrorId::flag_reason_too_long: return "comments.comment.206";
    case ErrorId::search_text_too_long: return "comments.comment.207";
    case ErrorId::comment_not_object: return "comments.comment.208";
    case ErrorId::comment_field_missing: return "comments.comment.209";
    case ErrorId::comment_field_invalid: return "comments.comment.210";
    case ErrorId::ban_reason_invalid: return "comments.comment.211";
    case ErrorId::poster_key_invalid: return "comments.comment.212";
    case ErrorId::author_secret_invalid: return "comments.comment.213";
    case ErrorId::own_list_too_long: return "comments.comment.214";
    case ErrorId::filter_word_invalid_utf8: return "comments.filter.301";
    case ErrorId::filter_word_too_long: return "comments.filter.302";
    case ErrorId::filter_word_folds_to_nothing: return "comments.filter.303";
    case ErrorId::filter_list_too_long: return "comments.filter.304";
    case ErrorId::option_value_missing: return "comments.config.401";
    case ErrorId::option_value_invalid: return "comments.config.402";
    case ErrorId::option_takes_no_value: return "comments.config.403";
    case ErrorId::option_unknown: return "comments.config.404";
    case ErrorId::option_refused: return "comments.config.405";
    case ErrorId::option_required: return "comments.config.406";
    case ErrorId::log_level_unknown: return "comments.config.407";
    case ErrorId::mod_token_unreadable: return "comments.config.408";
    case ErrorId::mod_token_empty: return "comments.config.409";
    case ErrorId::moderators_file_unreadable: return "comments.config.420";
    case ErrorId::moderators_file_invalid: return "comments.config.421";
    case ErrorId::moderator_exists: return "comments.config.422";
    case ErrorId::moderator_unknown: return "comments.config.423";
    case ErrorId::embed_thread_missing: return "comments.http.501";
    case ErrorId::embed_thread_invalid: return "comments.http.502";
    case ErrorId::embed_limit_invalid: return "comments.http.503";
    case ErrorId::embed_lang_unknown: return "comments.http.504";
    case ErrorId::include_unreadable: return "comments.http.505";
    case ErrorId::include_extra_param: return "comments.http.506";
    case ErrorId::include_nginx_variable: return "comments.http.507";
    case ErrorId::include_unknown_param: return "comments.http.508";
    case ErrorId::percent_encoding_invalid: return "comments.http.509";
    case ErrorId::origin_invalid: return "comments.http.510";
    case ErrorId::ws_version_unsupported: return "comments.ws.601";
    case ErrorId::ws_key_invalid: return "comments.ws.602";
    case ErrorId::post_blocked: return "comments.refused.701";
    case ErrorId::rate_limited: return "comments.refused.702";
    case ErrorId::poster_banned: return "comments.refused.703";
    case ErrorId::not_moderator: return "comments.refused.704";
    case ErrorId::moderation_off: return "comments.refused.705";
    case ErrorId::token_wrong: return "comments.refused.706";
    case ErrorId::comment_not_found: return "comments.refused.707";
    case ErrorId::server_failed: return "comments.refused.708";
    case ErrorId::connections_per_address_full: return "comments.refused.709";
    case ErrorId::connections_full: return "comments.refused.710";
    case ErrorId::messages_too_fast: return "comments.refused.711";
    case ErrorId::embed_rate_limited: return "comments.refused.712";
    case ErrorId::ban_not_found: return "comments.refused.713";
    case ErrorId::author_secret_wrong: return "comments.refused.714";
    case ErrorId::edit_window_closed: return "comments.refused.715";
    case ErrorId::likes_too_fast: return "comments.refused.720";
  }
  return {};
}

}  // namespace comments
