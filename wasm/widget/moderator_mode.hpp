// Moderator mode of the reader's widget: when this browser tab has signed in
// to the moderators' console on the same origin (the token is in
// sessionStorage under cmweb::session_storage::moderator_token_key), the widget
// authenticates its own connection, adds approve / delete / pin controls to
// every comment, and shows the thread's held (pending) comments, marked, above
// the published ones. Readers without the token never see any of it.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <emscripten/val.h>

#include "comments/comment.hpp"
#include "widget/moderator_model.hpp"
#include "widget/widget.hpp"

namespace cmwidget {

class ModeratorMode final : public WidgetExtension {
 public:
  // `thread`: the widget's thread key; `root`: the widget's shadow root.
  ModeratorMode(std::string token, std::string thread, val root)
      : token_(std::move(token)), thread_(std::move(thread)), root_(std::move(root)) {}

  // Moderator mode when the tab holds a moderator token, else nullptr.
  static std::unique_ptr<ModeratorMode> from_session(std::string thread, val root);

  void decorate(Widget& widget, val actions, const comments::Comment& c) override;
  bool on_action(Widget& widget, const std::string& action, std::int64_t id) override;
  void on_event(Widget& widget, const val& event) override;
  void on_connected(Widget& widget) override;

 private:
  // A held comment as it is now (after an action here, or one elsewhere).
  void apply(Widget& widget, const comments::Comment& c);
  void refetch(Widget& widget, std::int64_t id);
  void load_held(Widget& widget);
  void render_held(Widget& widget);
  void add_button(Widget& widget, val parent, std::string_view action, std::int64_t id,
                  std::string_view label, std::string_view accessible_name);
  std::string_view text(Widget& widget, int index) const;

  std::string token_;
  std::string thread_;
  val root_;
  bool signed_in_ = false;
  HeldComments held_;
  val section_ = val::undefined();
  val held_list_ = val::undefined();
  val held_title_ = val::undefined();
};

}  // namespace cmwidget
