// The readers' build of the widget (comments-widget): no extension. The loader
// (web/embed.js) fetches the moderators' build (comments-widget-mod) instead
// when this tab holds a moderator token.
#include "widget/widget.hpp"

namespace cmwidget {

std::unique_ptr<WidgetExtension> make_extension(const std::string&, val) { return nullptr; }

}  // namespace cmwidget
