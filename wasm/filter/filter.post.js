// The filter module's JS face (wasm/filter/main.cpp), for the reader's widget.
// Module.create() returns a word list of its own (one per widget):
//   setWords(text, lang)  muted words, one per line; '' when taken, else why
//                         not, in lang ('zh-CN' or English); the words in
//                         force stay
//   blocks(author, body)  true when a muted word occurs in either
// Strings go in as UTF-8 copies in the module's memory and are freed after.
(function () {
  var encoder = new TextEncoder();
  var decoder = new TextDecoder();

  function withUtf8(strings, use) {
    var pointers = [];
    var lengths = [];
    try {
      for (var i = 0; i < strings.length; ++i) {
        var bytes = encoder.encode(String(strings[i]));
        var pointer = _malloc(bytes.length + 1);
        HEAPU8.set(bytes, pointer);
        pointers.push(pointer);
        lengths.push(bytes.length);
      }
      return use(pointers, lengths);
    } finally {
      pointers.forEach(function (p) { _free(p); });
    }
  }

  Module['create'] = function () {
    var slot = _cmfilter_new();
    return {
      'setWords': function (text, lang) {
        return withUtf8([text], function (p, n) {
          var problem = _cmfilter_set_words(slot, p[0], n[0], lang === 'zh-CN' ? 1 : 0);
          var end = problem;
          while (HEAPU8[end]) ++end;
          return decoder.decode(HEAPU8.subarray(problem, end));
        });
      },
      'blocks': function (author, body) {
        return withUtf8([author, body], function (p, n) {
          return _cmfilter_blocks(slot, p[0], n[0], p[1], n[1]) !== 0;
        });
      }
    };
  };
})();
