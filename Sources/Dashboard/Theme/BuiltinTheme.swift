/// The source text of the built-in default theme, identical to `themes/default.theme`, so the
/// dashboard looks right from any working directory.
enum BuiltinTheme {
    static let defaultSource = """
# default — the dark theme wdl starts with.
# Every key is documented in themes/README.md. Keys left out of other themes come from here.

background            = #15171c
text                  = #d0d4dc
text_dim              = #7a818e
border                = #3a404c
title                 = #7fb4ff
highlight             = #2b4566

series_train_raw      = #596070
series_train_smoothed = #ffb454
series_validation     = #59c2ff
series_auc            = #95e6cb
series_marker         = #c49cff

gradient_start        = #2f6f9f
gradient_mid          = #3fb6b2
gradient_end          = #a6e38a

good                  = #7fd962
warning               = #ffb454
bad                   = #f26d78
"""
}
