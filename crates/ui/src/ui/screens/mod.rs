//! Each screen's body drawn, named as in `app::screens`: a pure function of that screen's part
//! of the view model. The deployment, incident and standup screens share one layout (`detail`).

pub mod detail;
pub mod measure;
pub mod overview;
pub mod wall;
