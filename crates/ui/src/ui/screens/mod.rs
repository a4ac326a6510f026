//! Each screen's body drawn, named as in `app::screens`: a pure function of that screen's part
//! of the view model. The deployment, incident, run, pull request and standup screens share one
//! layout (`detail`).

pub(crate) mod detail;
pub(crate) mod health;
pub(crate) mod measure;
pub(crate) mod overview;
pub(crate) mod services;
pub(crate) mod wall;
