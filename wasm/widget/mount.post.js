// Module.mount(host, shadowRoot, config) for the loader (web/embed.js): the
// three JS values go to the Wasm export as Emval handles (wasm/widget/main.cpp
// takes ownership of them).
Module['mount'] = function (host, root, config) {
  _cmwidget_mount(Emval.toHandle(host), Emval.toHandle(root), Emval.toHandle(config));
};
