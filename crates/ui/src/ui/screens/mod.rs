//! Each screen's body drawn, named as in `app::screens`: a pure function of that screen's part
//! of the view model. The deployment, incident and standup screens share one layout (`detail`).

pub(crate) mod detail;
pub(crate) mod measure;
pub(crate) mod overview;
pub(crate) mod wall;
